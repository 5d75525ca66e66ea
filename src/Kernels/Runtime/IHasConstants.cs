// Steps that upload constants to the device say how many bytes, for the memory plan.
namespace Onnxc.Kernels.Runtime;

internal interface IHasConstants
{
    long ConstantBytes { get; }
}
