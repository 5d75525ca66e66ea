// Sizes of a softmax: the tensor viewed as [Outer][Axis][Inner], normalized over the middle dimension.
using System.Runtime.InteropServices;

namespace Onnxc.Kernels.Runtime.Float;

[StructLayout(LayoutKind.Sequential)]
public struct SoftmaxArgs
{
    public int Outer;
    public int Axis;
    public int Inner;

    /// <summary>1 for LogSoftmax.</summary>
    public int Log;
}
