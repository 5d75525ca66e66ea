// The state of one lowering: the plan being built, what each graph value became, and what was lowered how.
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;
using KernelType = Onnxc.Kernels.Registry.ElementType;

namespace Onnxc.Passes.Lowering;

/// <summary>
/// What the lowering rules share while <see cref="Int8Lowering"/> walks the graph: the growing plan, the map from
/// graph values to plan tensors or constants, the nodes an island absorbed, and the kernels the target may use.
/// Rules read and extend it; they keep no state of their own.
/// </summary>
internal sealed partial class LoweringContext
{
    private readonly Dictionary<Value, LoweredValue> _values = [];
    private readonly Dictionary<int, PlanTensor> _dequantized = [];
    private readonly HashSet<Node> _absorbed = [];

    public LoweringContext(Model model, LoweringOptions options)
    {
        Model = model;
        Options = options;
    }

    public Model Model { get; }

    public LoweringOptions Options { get; }

    public Graph Graph => Model.Graph;

    public long Opset => Model.OpsetVersion() ?? 13;

    public PlanBuilder Plan { get; } = new();

    /// <summary>The ONNX nodes that became INT8 kernel steps (or moved bytes), for the summary.</summary>
    public List<string> Int8Nodes { get; } = [];

    /// <summary>The ONNX nodes that run as float kernels, each with why INT8 did not take it.</summary>
    public List<FloatFallback> FloatNodes { get; } = [];

    public void Define(Value value, LoweredValue lowered) => _values[value] = lowered;

    /// <summary>Marks a node an island took in (its Q, its fused activation): the walk skips it.</summary>
    public void Absorb(Node node) => _absorbed.Add(node);

    public bool IsAbsorbed(Node node) => _absorbed.Contains(node);

    /// <summary>
    /// Null when <see cref="LoweringOptions.Kernels"/> has a kernel for <paramref name="op"/> from
    /// <paramref name="input"/> to <paramref name="output"/>, else the fallback reason.
    /// </summary>
    public string? MissingKernel(KernelOp op, KernelType input, KernelType output)
    {
        var key = new KernelKey(op, input, output);
        return Options.Kernels.Supports(key) ? null : $"no INT8 kernel registered for {key}";
    }

    public string? MissingKernel(KernelOp op, QuantElementType input, QuantElementType output) =>
        MissingKernel(op, KernelSet.Of(input), KernelSet.Of(output));

    /// <summary>Throws when a step the lowering cannot do without (Q, DQ, a requantization) has no kernel.</summary>
    public void RequireKernel(Node node, KernelOp op, KernelType input, KernelType output)
    {
        if (MissingKernel(op, input, output) is { } reason)
        {
            throw new NotSupportedException($"cannot lower {node.Describe()}: {reason}");
        }
    }

    public LoweredValue Lookup(Value v) =>
        _values.TryGetValue(v, out var l) ? l : throw new NotSupportedException($"value '{v.Name}' is used before it is defined (or its producer could not be lowered)");

    public TensorData? Constant(Value v) => _values.TryGetValue(v, out var l) && l is ConstantValue c ? c.Data : null;

    /// <summary>Input <paramref name="index"/> as constant integers; null when the input is absent, throws when it is not constant.</summary>
    public long[]? ConstInts(Node node, int index) =>
        node.Input(index) is { } v
            ? (Constant(v) ?? throw new NotSupportedException($"cannot lower {node.Describe()}: input {index} is not constant")).ToInt64s()
            : null;

    /// <summary>Logical shape of a lowered value.</summary>
    public int[] ShapeOf(Value v) => Lookup(v) switch
    {
        FloatValue f => f.Tensor.Shape,
        BytesValue b => b.Tensor.Shape,
        DequantizedValue d => d.Bytes.Shape,
        ConstantValue c => c.Data.Dims.Select(d => checked((int)d)).ToArray(),
        DequantizedConstant dc => dc.Data.Dims.Select(d => checked((int)d)).ToArray(),
        _ => throw new InvalidOperationException(),
    };

    public int RankOf(Value v) => _values.ContainsKey(v) ? ShapeOf(v).Length : v.Shape?.Rank ?? 0;

    /// <summary>The value as a float plan tensor, dequantizing or materializing constants on first use.</summary>
    public PlanTensor AsFloat(Value v)
    {
        switch (Lookup(v))
        {
            case FloatValue f:
                return f.Tensor;
            case DequantizedValue d:
                if (!_dequantized.TryGetValue(d.Bytes.Id, out var t))
                {
                    if (MissingKernel(KernelOp.DequantizeLinear, KernelSet.Of(d.Bytes.Quant!.Type), KernelType.Float32) is { } missing)
                    {
                        throw new NotSupportedException($"value '{v.Name}' is read by a float kernel, but {missing}");
                    }

                    t = Plan.NewFloat(v.Name, d.Bytes.Shape, d.Bytes.Layout);
                    Plan.Add(new DequantizeStep(v.Name, d.Bytes.Id, t.Id, d.Bytes.Quant!));
                    _dequantized[d.Bytes.Id] = t;
                }

                return t;
            case ConstantValue c:
                return ConstantTensor(v.Name, c.Data.Dims, c.Data.ToFloats());
            case DequantizedConstant dc:
                return ConstantTensor(v.Name, dc.Data.Dims, dc.ToFloats());
            default:
                throw new NotSupportedException($"value '{v.Name}' is an 8-bit tensor read by a float op (only DequantizeLinear may read it)");
        }
    }

    /// <summary>The values of a constant (or dequantized constant) input of a float kernel.</summary>
    public float[] ConstantFloats(Value v, string what, Node node) => Lookup(v) switch
    {
        ConstantValue c => c.Data.ToFloats(),
        DequantizedConstant d => d.ToFloats(),
        _ => throw new NotSupportedException($"cannot lower {node.Describe()}: its {what} is not a constant (float kernels need constant weights)"),
    };

    private PlanTensor ConstantTensor(string name, IReadOnlyList<long> dims, float[] values)
    {
        int[] shape = dims.Count == 0 ? [1] : dims.Select(d => checked((int)d)).ToArray();
        var t = Plan.NewFloat(name, shape);
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        Plan.Add(new ConstantStep(name, t.Id, bytes));
        return t;
    }
}
