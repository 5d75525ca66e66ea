// Whether the compiler runs its output against the float model before reporting success.
namespace Onnxc.Passes.Quantization;

public enum VerifyMode
{
    Verify,
    Skip,
}
