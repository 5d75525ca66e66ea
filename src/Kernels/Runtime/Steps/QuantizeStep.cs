// QuantizeLinear at an island border: float32 in, int8/uint8 out, same layout.
using Onnxc.Kernels.Qdq;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>ONNX QuantizeLinear with per-tensor parameters (activations are quantized per tensor).</summary>
public sealed record QuantizeStep(string Source, int Input, int Output, QuantParams Params)
    : PlanStep(Source, [Input], [Output])
{
    public override string Kernel => "int8.quantize";

    public override bool IsInt8 => true;

    internal override StepTag Tag => StepTag.Quantize;

    internal override void WriteBody(PlanWriter writer) => writer.Write(Params);

    internal static QuantizeStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs) =>
        new(source, inputs[0], outputs[0], reader.ReadRequiredQuant());

    internal override IStepRunner Prepare(StepContext context)
    {
        var device = context.Int8.Upload(QdqParameters.PerTensor(Params));
        var input = context.Floats32(Input);
        var output = context.Bytes(Output);
        var library = context.Int8;
        return new DelegateRunner(() => library.QuantizeLinear(device, input, output), device);
    }
}
