// The base of the -O int8 stages after preparation: each reads and records its results in the context's Int8Session.
namespace Onnxc.Passes.Quantization.Stages;

/// <summary>A stage of static INT8 compilation: listed by --list-passes as "-O int8", run by <see cref="Int8Pipelines.Quantization"/>.</summary>
public abstract class Int8Stage : Int8Pass
{
    public override bool CanBeDisabled => false;

    public sealed override void Run(Model model, PassContext context) => Run(model, context.GetService<Int8Session>());

    protected abstract void Run(Model model, Int8Session session);
}
