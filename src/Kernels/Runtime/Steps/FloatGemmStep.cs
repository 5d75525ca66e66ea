// Float Gemm/MatMul with constant weights: Y = X * W + bias, alpha/beta/transB folded at compile time.
using ILGPU;
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>
/// Float matrix product; <see cref="FloatWeightsStep{TArgs}.Weights"/> is [K][N] row-major,
/// <see cref="FloatWeightsStep{TArgs}.Bias"/> has N entries or none.
/// </summary>
public sealed record FloatGemmStep(string Source, int Input, int Output, GemmArgs Args, float[] Weights, float[] Bias)
    : FloatWeightsStep<GemmArgs>(Source, Input, Output, Args, Weights, Bias)
{
    public override string Kernel => "float.gemm";

    internal override StepTag Tag => StepTag.FloatGemm;

    internal static FloatGemmStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        var args = reader.ReadStruct<GemmArgs>();
        var step = new FloatGemmStep(source, inputs[0], outputs[0], args, reader.ReadFloats(), reader.ReadFloats());
        if (step.Weights.Length != (long)args.K * args.N || (args.HasBias != 0 && step.Bias.Length != args.N))
        {
            throw new InvalidDataException($"float gemm constants in plan do not match its sizes [{source}]");
        }

        return step;
    }

    private protected override void Launch(
        FloatKernelLibrary floats, ArrayView<float> input, ArrayView<float> weights, ArrayView<float> bias, ArrayView<float> output) =>
        floats.Gemm(input, weights, bias, output, Args);
}
