// Float 2-D convolution on NCHW tensors, for convolutions the quantizer left in float.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>Direct float convolution; <see cref="Weights"/> in ONNX layout [OC][C/groups][KH][KW].</summary>
public sealed record FloatConvStep(string Source, int Input, int Output, FloatConvArgs Args, float[] Weights, float[] Bias)
    : PlanStep(Source, [Input], [Output]), IHasConstants
{
    public override string Kernel => "float.conv";

    public override bool IsInt8 => false;

    public long ConstantBytes => 4L * (Weights.Length + Math.Max(1, Bias.Length));

    internal override StepTag Tag => StepTag.FloatConv;

    internal override void WriteBody(PlanWriter writer)
    {
        writer.WriteStruct(Args);
        writer.Write(Weights);
        writer.Write(Bias);
    }

    internal static FloatConvStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        var args = reader.ReadStruct<FloatConvArgs>();
        var step = new FloatConvStep(source, inputs[0], outputs[0], args, reader.ReadFloats(), reader.ReadFloats());
        if (args.Groups <= 0 || step.Weights.Length != (long)args.OC * (args.C / args.Groups) * args.KH * args.KW)
            throw new InvalidDataException($"float conv constants in plan do not match its geometry [{source}]");
        return step;
    }

    internal override IStepRunner Prepare(StepContext context)
    {
        var weights = context.Accelerator.Allocate1D(Weights);
        var bias = context.Accelerator.Allocate1D(Bias.Length > 0 ? Bias : new float[1]);
        var input = context.Floats32(Input);
        var output = context.Floats32(Output);
        var floats = context.Floats;
        var args = Args;
        return new DelegateRunner(() => floats.Conv(input, weights.View, bias.View, output, args), weights, bias);
    }
}
