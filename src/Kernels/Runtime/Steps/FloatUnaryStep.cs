// A float elementwise unary op (Relu, Clip, Sigmoid, ...) left outside any INT8 island.
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

public sealed record FloatUnaryStep(string Source, int Input, int Output, FloatUnaryKind Operation, float A, float B)
    : PlanStep(Source, [Input], [Output])
{
    public override string Kernel => "float." + Operation.ToString().ToLowerInvariant();

    public override bool IsInt8 => false;

    internal override StepTag Tag => StepTag.FloatUnary;

    internal override void WriteBody(PlanWriter writer)
    {
        writer.Write((int)Operation);
        writer.Write(A);
        writer.Write(B);
    }

    internal static FloatUnaryStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        int op = reader.ReadInt();
        if (!Enum.IsDefined((FloatUnaryKind)op))
        {
            throw new InvalidDataException($"unknown float unary op {op} in plan");
        }

        return new FloatUnaryStep(source, inputs[0], outputs[0], (FloatUnaryKind)op, reader.ReadFloat(), reader.ReadFloat());
    }

    internal override IStepRunner Prepare(StepContext context)
    {
        var input = context.Floats32(Input);
        var output = context.Floats32(Output);
        var floats = context.Floats;
        var args = new ElementwiseArgs { Kind = (int)Operation, A = A, B = B };
        return new DelegateRunner(() => floats.Unary(input, output, args));
    }
}
