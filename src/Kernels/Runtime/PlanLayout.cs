// How a plan tensor's elements are ordered in device memory.
namespace Onnxc.Kernels.Runtime;

/// <summary>
/// Memory order of a tensor. <see cref="Logical"/> is ONNX's row-major order of the tensor's own shape
/// (NCHW for images); <see cref="Nhwc"/> stores a rank-4 tensor of logical shape [N, C, H, W] as
/// [N, H, W, C], the order the INT8 convolution and pooling kernels read and write.
/// </summary>
public enum PlanLayout : byte
{
    Logical = 0,
    Nhwc = 1,
}
