// Records which passes of a pipeline ran, and which changed the model, for the INT8 stage tests.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Quantization;

/// <summary>An instrument that lists every pass run in a context, in order, and the ones that reported a change.</summary>
internal sealed class StageRecorder : IPassInstrument
{
    public List<string> Passes { get; } = [];

    public List<string> Changed { get; } = [];

    public void BeforePass(Pass pass, Model model)
    {
    }

    public void AfterPass(Pass pass, Model model, PassResult result)
    {
        Passes.Add(pass.Name);
        if (result.Changed)
        {
            Changed.Add(pass.Name);
        }
    }
}
