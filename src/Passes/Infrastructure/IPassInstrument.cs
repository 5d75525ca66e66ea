// A hook the pass manager calls around every pass: timing, IR printing, verification.
using Onnxc.GraphIR;

namespace Onnxc.Passes;

public interface IPassInstrument
{
    void BeforePass(Pass pass, Model model);

    void AfterPass(Pass pass, Model model, PassResult result);
}
