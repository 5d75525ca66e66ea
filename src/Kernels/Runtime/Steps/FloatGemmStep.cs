// Float Gemm/MatMul with constant weights: Y = X * W + bias, alpha/beta/transB folded at compile time.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>Float matrix product; <see cref="Weights"/> is [K][N] row-major, <see cref="Bias"/> has N entries or none.</summary>
public sealed record FloatGemmStep(string Source, int Input, int Output, GemmArgs Args, float[] Weights, float[] Bias)
    : PlanStep(Source, [Input], [Output]), IHasConstants
{
    public override string Kernel => "float.gemm";

    public override bool IsInt8 => false;

    public long ConstantBytes => 4L * (Weights.Length + Math.Max(1, Bias.Length));

    internal override StepTag Tag => StepTag.FloatGemm;

    internal override void WriteBody(PlanWriter writer)
    {
        writer.WriteStruct(Args);
        writer.Write(Weights);
        writer.Write(Bias);
    }

    internal static FloatGemmStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        var args = reader.ReadStruct<GemmArgs>();
        var step = new FloatGemmStep(source, inputs[0], outputs[0], args, reader.ReadFloats(), reader.ReadFloats());
        if (step.Weights.Length != (long)args.K * args.N || (args.HasBias != 0 && step.Bias.Length != args.N))
            throw new InvalidDataException($"float gemm constants in plan do not match its sizes [{source}]");
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
        return new DelegateRunner(() => floats.Gemm(input, weights.View, bias.View, output, args), weights, bias);
    }
}
