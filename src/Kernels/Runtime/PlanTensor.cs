// One tensor of a lowered plan: type, logical shape, memory layout, quantization and its arena slot.
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Runtime;

/// <summary>
/// A tensor of an <see cref="ExecutionPlan"/>. <see cref="Shape"/> is always the ONNX (logical) shape;
/// <see cref="PhysicalShape"/> is the order in memory. 8-bit tensors carry their per-tensor
/// <see cref="Quant"/> parameters; float tensors have none. <see cref="Offset"/> is the byte offset in the
/// activation arena, assigned by <see cref="MemoryPlanner"/>.
/// </summary>
public sealed record PlanTensor
{
    public PlanTensor(int id, string name, PlanElementType elementType, int[] shape, PlanLayout layout, QuantParams? quant)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (layout == PlanLayout.Nhwc && shape.Length != 4)
        {
            throw new ArgumentException($"tensor '{name}': NHWC layout needs rank 4, shape is [{string.Join(",", shape)}]");
        }

        if ((elementType == PlanElementType.Float32) != (quant is null))
        {
            throw new ArgumentException($"tensor '{name}': 8-bit tensors need quantization parameters, float tensors none");
        }

        if (quant is not null && quant.Type != (elementType == PlanElementType.Int8 ? QuantElementType.Int8 : QuantElementType.UInt8))
        {
            throw new ArgumentException($"tensor '{name}': quantization type {quant.Type} does not match {elementType}");
        }

        foreach (int d in shape)
        {
            if (d <= 0)
            {
                throw new ArgumentException($"tensor '{name}': dimensions must be positive, shape is [{string.Join(",", shape)}]");
            }
        }

        Id = id;
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Layout = layout;
        Quant = quant;
        ElementCount = shape.Aggregate(1L, (a, d) => checked(a * d));
        if (ElementCount > int.MaxValue)
        {
            throw new ArgumentException($"tensor '{name}' has more than 2^31 elements");
        }
    }

    public int Id { get; }

    public string Name { get; }

    public PlanElementType ElementType { get; }

    public int[] Shape { get; }

    public PlanLayout Layout { get; }

    public QuantParams? Quant { get; }

    public long ElementCount { get; }

    public int ElementSize => ElementType == PlanElementType.Float32 ? 4 : 1;

    public long ByteSize => ElementCount * ElementSize;

    /// <summary>Byte offset in the activation arena (set by the memory planner; -1 before).</summary>
    public long Offset { get; set; } = -1;

    /// <summary>The dimensions in memory order.</summary>
    public int[] PhysicalShape => Layout == PlanLayout.Nhwc ? [Shape[0], Shape[2], Shape[3], Shape[1]] : Shape;

    /// <summary>The position in <see cref="PhysicalShape"/> of logical axis <paramref name="axis"/>.</summary>
    public int PhysicalAxis(int axis) => Layout != PlanLayout.Nhwc ? axis : axis switch
    {
        0 => 0,
        1 => 3,
        2 => 1,
        _ => 2,
    };

    public override string ToString() =>
        $"{Name}: {ElementType}[{string.Join(",", Shape)}]{(Layout == PlanLayout.Nhwc ? " nhwc" : string.Empty)}" +
        (Quant is null ? string.Empty : $" s={Quant.Scale:G6} z={Quant.ZeroPoint}");
}
