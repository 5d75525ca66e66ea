// The lookup key of a kernel: operation and element types in and out.
namespace Onnxc.Kernels.Registry;

/// <summary>Key of <see cref="KernelRegistry"/>; Input is the (first) data input's element type.</summary>
public readonly record struct KernelKey(KernelOp Op, ElementType Input, ElementType Output)
{
    public override string ToString() => $"{Op}({Input}->{Output})";
}
