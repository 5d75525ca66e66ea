// A float elementwise binary op with ONNX broadcasting, strides resolved at compile time.
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>Float Add/Sub/Mul/Div/Max/Min; <see cref="Args"/> holds the output shape and operand strides.</summary>
public sealed record FloatBinaryStep(string Source, int Left, int Right, int Output, ElementwiseArgs Args)
    : PlanStep(Source, [Left, Right], [Output])
{
    public override string Kernel => "float." + ((FloatBinaryKind)Args.Kind).ToString().ToLowerInvariant();

    public override bool IsInt8 => false;

    internal override StepTag Tag => StepTag.FloatBinary;

    internal override void WriteBody(PlanWriter writer) => writer.WriteStruct(Args);

    internal static FloatBinaryStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs) =>
        new(source, inputs[0], inputs[1], outputs[0], reader.ReadStruct<ElementwiseArgs>());

    internal override IStepRunner Prepare(StepContext context)
    {
        var left = context.Floats32(Left);
        var right = context.Floats32(Right);
        var output = context.Floats32(Output);
        var floats = context.Floats;
        var args = Args;
        return new DelegateRunner(() => floats.Binary(left, right, output, args));
    }
}
