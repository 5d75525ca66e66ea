// Float Softmax / LogSoftmax over one axis.
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

public sealed record SoftmaxStep(string Source, int Input, int Output, SoftmaxArgs Args)
    : PlanStep(Source, [Input], [Output])
{
    public override string Kernel => Args.Log != 0 ? "float.logsoftmax" : "float.softmax";

    public override bool IsInt8 => false;

    internal override StepTag Tag => StepTag.Softmax;

    internal override void WriteBody(PlanWriter writer) => writer.WriteStruct(Args);

    internal static SoftmaxStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs) =>
        new(source, inputs[0], outputs[0], reader.ReadStruct<SoftmaxArgs>());

    internal override IStepRunner Prepare(StepContext context)
    {
        var input = context.Floats32(Input);
        var output = context.Floats32(Output);
        var floats = context.Floats;
        var args = Args;
        return new DelegateRunner(() => floats.Softmax(input, output, args));
    }
}
