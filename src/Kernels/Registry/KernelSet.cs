// A set of kernel variants: what a lowering may use. The registry's full set is the default; a smaller one (a target
// without some kernels, or a test) makes the lowering run the rest as float.
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Registry;

/// <summary>
/// An immutable set of <see cref="KernelEntry"/> variants, looked up by <see cref="KernelKey"/>. The lowering asks it
/// whether an INT8 island may become a kernel step; the PTX generation takes its kernels from the same entries.
/// </summary>
public sealed class KernelSet
{
    private readonly ILookup<KernelKey, KernelEntry> _byKey;

    public KernelSet(IEnumerable<KernelEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries];
        _byKey = Entries.ToLookup(e => e.Key);
    }

    public IReadOnlyList<KernelEntry> Entries { get; }

    /// <summary>The variants registered for <paramref name="key"/> (empty when the op/type pair has no kernel).</summary>
    public IReadOnlyList<KernelEntry> Find(KernelKey key) => [.. _byKey[key]];

    public bool Supports(KernelKey key) => _byKey.Contains(key);

    /// <summary>Whether any variant implements <paramref name="op"/>, for any element types.</summary>
    public bool Implements(KernelOp op) => Entries.Any(e => e.Key.Op == op);

    /// <summary>Distinct kernel methods (one per compiled kernel), each with its path.</summary>
    public IReadOnlyList<KernelEntry> DistinctKernels() =>
        [.. Entries.GroupBy(e => e.Method).Select(g => g.First())];

    /// <summary>This set less every variant of <paramref name="ops"/>.</summary>
    public KernelSet Without(params KernelOp[] ops) => new(Entries.Where(e => !ops.Contains(e.Key.Op)));

    /// <summary>This set less the variants with one key.</summary>
    public KernelSet Without(KernelKey key) => new(Entries.Where(e => e.Key != key));

    /// <summary>The key element type of an 8-bit quantized tensor.</summary>
    public static ElementType Of(QuantElementType type) => type == QuantElementType.Int8 ? ElementType.Int8 : ElementType.UInt8;
}
