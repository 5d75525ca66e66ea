// Structural and type checks of the IR, run after every pass in tests and with --verify-each.
namespace Onnxc.GraphIR.Verification;

public static class Verifier
{
    /// <summary>Every problem found, in graph order; empty when the model is valid.</summary>
    public static IReadOnlyList<VerifierError> Check(Model model) => throw new NotImplementedException("being written");

    /// <summary>Throws <see cref="InvalidModelException"/> for the first problem, naming the file and node.</summary>
    public static void Verify(Model model, string? filePath = null)
    {
        IReadOnlyList<VerifierError> errors = Check(model);
        if (errors.Count > 0)
        {
            throw new InvalidModelException(errors[0].Message, filePath, errors[0].Node);
        }
    }
}
