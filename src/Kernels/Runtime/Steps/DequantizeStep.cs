// DequantizeLinear at an island border: int8/uint8 in, float32 out, same layout.
using Onnxc.Kernels.Qdq;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>ONNX DequantizeLinear with per-tensor parameters.</summary>
public sealed record DequantizeStep(string Source, int Input, int Output, QuantParams Params)
    : PlanStep(Source, [Input], [Output])
{
    public override string Kernel => "int8.dequantize";

    public override bool IsInt8 => true;

    internal override StepTag Tag => StepTag.Dequantize;

    internal override void WriteBody(PlanWriter writer) => writer.Write(Params);

    internal static DequantizeStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs) =>
        new(source, inputs[0], outputs[0], reader.ReadRequiredQuant());

    internal override IStepRunner Prepare(StepContext context)
    {
        var device = context.Int8.Upload(QdqParameters.PerTensor(Params));
        var input = context.Bytes(Input);
        var output = context.Floats32(Output);
        var library = context.Int8;
        return new DelegateRunner(() => library.DequantizeLinear(device, input, output), device);
    }
}
