// Collects plan tensors and steps while lowering, and converts tensors between memory layouts on demand.
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering;

/// <summary>
/// The growing plan. Layout changes (NCHW &lt;-&gt; NHWC) are strided copies added once per tensor and layout
/// and reused by every later reader.
/// </summary>
internal sealed class PlanBuilder
{
    private readonly Dictionary<(int Id, PlanLayout Layout), PlanTensor> _converted = [];

    public List<PlanTensor> Tensors { get; } = [];

    public List<PlanStep> Steps { get; } = [];

    public PlanTensor NewTensor(string name, PlanElementType type, int[] shape, PlanLayout layout, QuantParams? quant)
    {
        var t = new PlanTensor(Tensors.Count, name, type, shape, layout, quant);
        Tensors.Add(t);
        return t;
    }

    public PlanTensor NewLike(PlanTensor like, string name, int[]? shape = null, PlanLayout? layout = null, QuantParams? quant = null) =>
        NewTensor(name, like.ElementType, shape ?? like.Shape, layout ?? like.Layout, quant ?? like.Quant);

    public PlanTensor NewFloat(string name, int[] shape, PlanLayout layout = PlanLayout.Logical) =>
        NewTensor(name, PlanElementType.Float32, shape, layout, null);

    public PlanTensor NewBytes(string name, int[] shape, PlanLayout layout, QuantParams quant) =>
        NewTensor(name, quant.Type == QuantElementType.Int8 ? PlanElementType.Int8 : PlanElementType.UInt8, shape, layout, quant);

    public void Add(PlanStep step) => Steps.Add(step);

    /// <summary><paramref name="tensor"/> in <paramref name="layout"/>, adding a transposing copy the first time.</summary>
    public PlanTensor InLayout(PlanTensor tensor, PlanLayout layout, string source)
    {
        if (tensor.Layout == layout)
        {
            return tensor;
        }

        if (_converted.TryGetValue((tensor.Id, layout), out var done))
        {
            return done;
        }

        var result = NewLike(tensor, $"{tensor.Name}.{layout.ToString().ToLowerInvariant()}", layout: layout);
        int[] perm = layout == PlanLayout.Nhwc ? [0, 2, 3, 1] : [0, 3, 1, 2];
        Add(Transpose(source, tensor, result, perm, layout == PlanLayout.Nhwc ? "to_nhwc" : "to_nchw"));
        _converted[(tensor.Id, layout)] = result;
        _converted[(result.Id, tensor.Layout)] = tensor;
        return result;
    }

    /// <summary>A copy whose output's physical axis i is the input's physical axis perm[i].</summary>
    public static StridedCopyStep Transpose(string source, PlanTensor input, PlanTensor output, int[] perm, string operation)
    {
        int[] inShape = input.PhysicalShape;
        int[] inStrides = StridedCopyArgs.RowMajorStrides(inShape);
        int[] region = perm.Select(p => inShape[p]).ToArray();
        var args = StridedCopyArgs.Create(
            region,
            new int[region.Length],
            Enumerable.Repeat(1, region.Length).ToArray(),
            region,
            perm.Select(p => inStrides[p]).ToArray(),
            StridedCopyArgs.RowMajorStrides(region),
            0);
        return new StridedCopyStep(source, operation, [input.Id], output.Id, [args], PadValue(output), output.ElementType != PlanElementType.Float32);
    }

    /// <summary>A flat copy (Reshape and friends), same element count.</summary>
    public static StridedCopyStep Copy(string source, PlanTensor input, PlanTensor output, string operation)
    {
        int n = checked((int)input.ElementCount);
        var args = StridedCopyArgs.Create([n], [0], [1], [n], [1], [1], 0);
        return new StridedCopyStep(source, operation, [input.Id], output.Id, [args], PadValue(output), output.ElementType != PlanElementType.Float32);
    }

    /// <summary>The value that stands for real zero in <paramref name="t"/>: the zero point for 8-bit tensors.</summary>
    public static float PadValue(PlanTensor t) => t.Quant is { } q ? (byte)q.Type.Encode(q.ZeroPoint) : 0f;
}
