// A shape-like integer tensor (scalar or 1-D) whose elements are known numbers or dims of some value.
using System.Collections.Immutable;

namespace Onnxc.Passes.Cleanup;

internal sealed record ShapeVector(ImmutableArray<SymbolicDim> Elements, bool IsScalar, ElementType Type)
{
    public bool IsConstant => Elements.All(e => e.Const.HasValue);

    public TensorData ToTensor()
    {
        long[] v = [.. Elements.Select(e => e.Const!.Value)];
        long[] dims = IsScalar ? [] : [v.Length];
        return Type == ElementType.Int32
            ? TensorData.FromInt32s(dims, [.. v.Select(x => checked((int)x))])
            : TensorData.FromInt64s(dims, v);
    }
}
