// Which activation a kernel epilogue applies.
namespace Onnxc.Kernels.Quantization;

public enum FusedActivationKind
{
    None,
    Relu,
    Clip,
}
