// Writes a compile-time constant into its arena tensor, for float ops that read an initializer.
using ILGPU;
using ILGPU.Runtime;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>
/// A constant operand of a float fallback op (e.g. the bias of a broadcasting Add). The data is uploaded
/// once; each run copies it into the arena slot, so the memory planner treats it like any other tensor.
/// Stored as raw bytes (float32 little-endian, or 8-bit values).
/// </summary>
public sealed record ConstantStep(string Source, int Output, byte[] Data)
    : PlanStep(Source, [], [Output]), IHasConstants
{
    public override string Kernel => "copy.constant";

    public override bool IsInt8 => false;

    public long ConstantBytes => Data.Length;

    internal override StepTag Tag => StepTag.Constant;

    internal override void WriteBody(PlanWriter writer)
    {
        writer.Write(Data.Length);
        writer.WriteBytes(Data);
    }

    internal static ConstantStep ReadBody(PlanReader reader, string source, int[] outputs) =>
        new(source, outputs[0], reader.ReadBytes());

    internal override IStepRunner Prepare(StepContext context)
    {
        var target = context.Bytes(Output);
        if (target.Length != Data.Length)
        {
            throw new InvalidDataException($"constant [{Source}] has {Data.Length} bytes for a {target.Length}-byte tensor");
        }

        var buffer = context.Accelerator.Allocate1D(Data);
        ArrayView<byte> source = buffer.View;
        return new DelegateRunner(() => source.CopyTo(target), buffer);
    }
}
