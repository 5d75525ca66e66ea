// INT8 AveragePool / GlobalAveragePool on NHWC bytes with per-window-size requantization tables.
using Onnxc.Kernels.Pool;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>Quantized AveragePool or GlobalAveragePool; constants from <see cref="PackedAveragePool.Create"/>.</summary>
public sealed record AveragePoolStep(string Source, int Input, int Output, PackedAveragePool Packed)
    : PlanStep(Source, [Input], [Output]), IHasConstants
{
    public override string Kernel => "int8.averagepool";

    public override bool IsInt8 => true;

    public long ConstantBytes => 4L * (Packed.Multipliers.Length + Packed.Shifts.Length);

    internal override StepTag Tag => StepTag.AveragePool;

    internal override void WriteBody(PlanWriter writer)
    {
        PoolSerialization.Write(writer, Packed.Geometry);
        writer.Write(Packed.Input);
        writer.Write(Packed.Output);
    }

    internal static AveragePoolStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        var g = PoolSerialization.Read(reader);
        var input = reader.ReadRequiredQuant();
        var output = reader.ReadRequiredQuant();
        return new AveragePoolStep(source, inputs[0], outputs[0], PackedAveragePool.Create(g, input, output));
    }

    internal override IStepRunner Prepare(StepContext context)
    {
        var device = context.Int8.Upload(Packed);
        var input = context.Bytes(Input);
        var output = context.Bytes(Output);
        var library = context.Int8;
        return new DelegateRunner(() => library.AveragePool(device, input, output), device);
    }
}
