// Float MaxPool/AveragePool/GlobalAveragePool on NCHW tensors.
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

public sealed record FloatPoolStep(string Source, int Input, int Output, FloatPoolArgs Args)
    : PlanStep(Source, [Input], [Output])
{
    public override string Kernel => Args.Kind == 0 ? "float.maxpool" : "float.averagepool";

    public override bool IsInt8 => false;

    internal override StepTag Tag => StepTag.FloatPool;

    internal override void WriteBody(PlanWriter writer) => writer.WriteStruct(Args);

    internal static FloatPoolStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs) =>
        new(source, inputs[0], outputs[0], reader.ReadStruct<FloatPoolArgs>());

    internal override IStepRunner Prepare(StepContext context)
    {
        var input = context.Floats32(Input);
        var output = context.Floats32(Output);
        var floats = context.Floats;
        var args = Args;
        return new DelegateRunner(() => floats.Pool(input, output, args));
    }
}
