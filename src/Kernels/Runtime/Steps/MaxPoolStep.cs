// INT8 MaxPool on NHWC bytes; scale and zero point pass through.
using Onnxc.Kernels.Pool;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>
/// Quantized MaxPool. Max commutes with the monotonic (de)quantization, so when input and output share
/// their parameters the pooled bytes are exactly ONNX Runtime's DQ -> MaxPool -> Q.
/// </summary>
public sealed record MaxPoolStep(string Source, int Input, int Output, PoolGeometry Geometry, QuantElementType Type)
    : PlanStep(Source, [Input], [Output])
{
    public override string Kernel => "int8.maxpool";

    public override bool IsInt8 => true;

    internal override StepTag Tag => StepTag.MaxPool;

    internal override void WriteBody(PlanWriter writer)
    {
        PoolSerialization.Write(writer, Geometry);
        writer.Write((byte)Type);
    }

    internal static MaxPoolStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        var g = PoolSerialization.Read(reader);
        byte type = reader.ReadByte();
        if (type > (byte)QuantElementType.UInt8)
        {
            throw new InvalidDataException($"unknown quantized element type {type} in plan");
        }

        return new MaxPoolStep(source, inputs[0], outputs[0], g, (QuantElementType)type);
    }

    internal override IStepRunner Prepare(StepContext context)
    {
        var input = context.Bytes(Input);
        var output = context.Bytes(Output);
        var library = context.Int8;
        return new DelegateRunner(() => library.MaxPool(Geometry, Type, input, output));
    }
}
