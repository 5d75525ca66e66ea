// INT8 elementwise Add of two same-shape tensors (residual connections), fused Relu/Clip in its bounds.
using Onnxc.Kernels.Elementwise;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>Quantized Add; both inputs and the output share one layout and shape.</summary>
public sealed record AddStep(string Source, int A, int B, int Output, AddRequantization Requantization)
    : PlanStep(Source, [A, B], [Output])
{
    public override string Kernel => "int8.add";

    public override bool IsInt8 => true;

    internal override StepTag Tag => StepTag.Add;

    internal override void WriteBody(PlanWriter writer) => writer.WriteStruct(Requantization);

    internal static AddStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs) =>
        new(source, inputs[0], inputs[1], outputs[0], reader.ReadStruct<AddRequantization>());

    internal override IStepRunner Prepare(StepContext context)
    {
        var a = context.Bytes(A);
        var b = context.Bytes(B);
        var output = context.Bytes(Output);
        var library = context.Int8;
        var r = Requantization;
        return new DelegateRunner(() => library.Add(r, a, b, output));
    }
}
