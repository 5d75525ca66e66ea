// Every kernel variant of the library, registered explicitly by key (op, element types in and out).
using System.Reflection;
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Elementwise;
using Onnxc.Kernels.Pool;
using Onnxc.Kernels.Qdq;

namespace Onnxc.Kernels.Registry;

/// <summary>
/// The table the lowering consults ("is there a kernel for this op with these types?", through
/// <see cref="Default"/> or a smaller <see cref="KernelSet"/>) and the PTX check walks. Registration is plain
/// code, no reflection discovery; the 8-bit signedness is a kernel argument (a sign flip), so one method serves
/// several keys.
/// </summary>
public static class KernelRegistry
{
    private static readonly ElementType[] s_int8Types = [ElementType.Int8, ElementType.UInt8];

    /// <summary>Every variant of the library.</summary>
    public static KernelSet Default { get; } = new(Build());

    public static IReadOnlyList<KernelEntry> All => Default.Entries;

    /// <summary>The variants registered for <paramref name="key"/> (empty when the op/type pair has no kernel).</summary>
    public static IReadOnlyList<KernelEntry> Find(KernelKey key) => Default.Find(key);

    public static bool Supports(KernelKey key) => Default.Supports(key);

    /// <summary>Distinct kernel methods (one per compiled kernel), each with its path.</summary>
    public static IReadOnlyList<KernelEntry> DistinctKernels() => Default.DistinctKernels();

    private static List<KernelEntry> Build()
    {
        var portable = Kernel(typeof(ConvKernels), nameof(ConvKernels.TiledConv)).MakeGenericMethod(typeof(PortableDot4));
        var dp4a = Kernel(typeof(ConvKernels), nameof(ConvKernels.TiledConv)).MakeGenericMethod(typeof(Dp4aDot4));
        var tensorCore = Kernel(typeof(TensorCoreConvKernel), nameof(TensorCoreConvKernel.TensorCoreConv));
        var direct = Kernel(typeof(DirectConvKernel), nameof(DirectConvKernel.DirectConv));
        var entries = new List<KernelEntry>();
        foreach (var input in s_int8Types)
        {
            foreach (var output in s_int8Types)
            {
                foreach (var op in new[] { KernelOp.Conv, KernelOp.Gemm })
                {
                    entries.Add(new(new(op, input, output), KernelPath.TensorCore, tensorCore, KernelGrouping.Tiled));
                    entries.Add(new(new(op, input, output), KernelPath.Dp4a, dp4a, KernelGrouping.Tiled));
                    entries.Add(new(new(op, input, output), KernelPath.Portable, portable, KernelGrouping.Tiled));
                    entries.Add(new(new(op, input, output), KernelPath.Direct, direct, KernelGrouping.GridStride));
                }

                foreach (var op in new[] { KernelOp.AveragePool, KernelOp.GlobalAveragePool })
                {
                    entries.Add(GridStrideKernel(op, input, output, typeof(PoolKernels), nameof(PoolKernels.AveragePool)));
                }

                entries.Add(GridStrideKernel(KernelOp.Add, input, output, typeof(ElementwiseKernels), nameof(ElementwiseKernels.Add)));
                entries.Add(GridStrideKernel(KernelOp.Concat, input, output, typeof(ElementwiseKernels), nameof(ElementwiseKernels.ConcatInto)));
            }

            entries.Add(GridStrideKernel(KernelOp.MaxPool, input, input, typeof(PoolKernels), nameof(PoolKernels.MaxPool)));
            entries.Add(GridStrideKernel(KernelOp.QuantizeLinear, ElementType.Float32, input, typeof(QdqKernels), nameof(QdqKernels.Quantize)));
            entries.Add(GridStrideKernel(KernelOp.DequantizeLinear, input, ElementType.Float32, typeof(QdqKernels), nameof(QdqKernels.Dequantize)));
        }

        return entries;
    }

    private static KernelEntry GridStrideKernel(KernelOp op, ElementType input, ElementType output, Type type, string name) =>
        new(new(op, input, output), KernelPath.Portable, Kernel(type, name), KernelGrouping.GridStride);

    private static MethodInfo Kernel(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new InvalidOperationException($"kernel method {type.Name}.{name} not found");
}
