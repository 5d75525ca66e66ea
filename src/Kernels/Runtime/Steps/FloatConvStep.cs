// Float 2-D convolution on NCHW tensors, for convolutions the quantizer left in float.
using ILGPU;
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>Direct float convolution; <see cref="FloatWeightsStep{TArgs}.Weights"/> in ONNX layout [OC][C/groups][KH][KW].</summary>
public sealed record FloatConvStep(string Source, int Input, int Output, FloatConvArgs Args, float[] Weights, float[] Bias)
    : FloatWeightsStep<FloatConvArgs>(Source, Input, Output, Args, Weights, Bias)
{
    public override string Kernel => "float.conv";

    internal override StepTag Tag => StepTag.FloatConv;

    internal static FloatConvStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        var args = reader.ReadStruct<FloatConvArgs>();
        var step = new FloatConvStep(source, inputs[0], outputs[0], args, reader.ReadFloats(), reader.ReadFloats());
        if (args.Groups <= 0 || step.Weights.Length != (long)args.OC * (args.C / args.Groups) * args.KH * args.KW)
        {
            throw new InvalidDataException($"float conv constants in plan do not match its geometry [{source}]");
        }

        return step;
    }

    private protected override void Launch(
        FloatKernelLibrary floats, ArrayView<float> input, ArrayView<float> weights, ArrayView<float> bias, ArrayView<float> output) =>
        floats.Conv(input, weights, bias, output, Args);
}
