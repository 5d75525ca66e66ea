// Which shape of value an OrtData is.
namespace Onnxc.TestSupport;

public enum OrtDataKind
{
    Tensor,
    Sequence,
    Optional,
}
