// --verify-each: runs the verifier after every pass and names the pass that broke the model.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Verification;

namespace Onnxc.Passes;

public sealed class VerifyEachInstrument : IPassInstrument
{
    public void BeforePass(Pass pass, Model model)
    {
    }

    public void AfterPass(Pass pass, Model model, PassResult result)
    {
        if (!result.Changed)
        {
            // The model is exactly what the previous check accepted.
            return;
        }

        IReadOnlyList<VerifierError> errors = Verifier.Check(model);
        if (errors.Count > 0)
        {
            throw new InvalidModelException($"after pass {pass.Name}: {errors[0].Message}", null, errors[0].Node);
        }
    }
}
