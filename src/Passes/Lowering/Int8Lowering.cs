// Lowers a QDQ model to an execution plan of INT8 kernels, with float kernels for what has no INT8 kernel.
using Onnxc.GraphIR;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering;

/// <summary>
/// The lowering pass. It walks the graph once in order and maps every value to a plan tensor:
/// <list type="bullet">
/// <item>A quantized island <c>DequantizeLinear(s) -> op [-> Relu/Clip] -> QuantizeLinear</c> whose op has
/// an INT8 kernel becomes one step on the 8-bit tensors; its quantization parameters are folded at compile
/// time (int32 bias, per-channel Q31 multipliers and shifts, zero points, activation clamp bounds).</item>
/// <item>Q/DQ at island borders become quantize/dequantize steps; DQ of constants are read by the packers.</item>
/// <item>Every other op runs as a float kernel on dequantized inputs and is listed in the summary.</item>
/// </list>
/// Tensors produced by convolutions and pools are NHWC; layout conversions are inserted where a reader needs
/// the other order. Finally the memory planner assigns arena offsets and the plan is checked against the
/// target's memory.
/// </summary>
public sealed partial class Int8Lowering
{
    private readonly Model _model;
    private readonly LoweringOptions _options;
    private readonly PlanBuilder _plan = new();
    private readonly Dictionary<Value, LoweredValue> _values = [];
    private readonly Dictionary<int, PlanTensor> _dequantized = [];
    private readonly HashSet<Node> _absorbed = [];
    private readonly List<string> _int8Nodes = [];
    private readonly List<FloatFallback> _floatNodes = [];

    private Int8Lowering(Model model, LoweringOptions options)
    {
        _model = model;
        _options = options;
    }

    private Graph Graph => _model.Graph;

    private long Opset => _model.OpsetVersion() ?? 13;

    /// <summary>Lowers <paramref name="model"/> (not modified) for <see cref="LoweringOptions.Target"/>.</summary>
    public static LoweringResult Lower(Model model, LoweringOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return new Int8Lowering(model, options).Run();
    }

    private LoweringResult Run()
    {
        foreach (var init in Graph.Initializers)
        {
            if (init.Initializer is not null)
                _values[init] = new ConstantValue(init.Initializer);
        }

        var inputs = new List<int>();
        foreach (var input in Graph.Inputs)
        {
            if (input.IsInitializer)
                continue;
            if (input.ElementType != ElementType.Float)
                throw new NotSupportedException($"graph input '{input.Name}' is {input.ElementType.OnnxName()}; lowered plans take float32 inputs");
            var t = _plan.NewFloat(input.Name, StaticShape(input));
            _values[input] = new FloatValue(t);
            inputs.Add(t.Id);
        }

        foreach (var node in Graph.Nodes)
        {
            if (_absorbed.Contains(node))
                continue;
            if (!node.IsDefaultDomain)
                throw new NotSupportedException($"cannot lower {node.Describe()}: custom domain '{node.Domain}'");
            LowerNode(node);
        }

        var outputs = new List<int>();
        foreach (var output in Graph.Outputs)
        {
            var t = _plan.InLayout(AsFloat(output), PlanLayout.Logical, output.Name);
            if (inputs.Contains(t.Id) || outputs.Contains(t.Id))
            {
                var copy = _plan.NewFloat(output.Name, t.Shape);
                _plan.Add(PlanBuilder.Copy(output.Name, t, copy, "copy"));
                t = copy;
            }

            outputs.Add(t.Id);
        }

        long arena = MemoryPlanner.Assign(_plan.Tensors, _plan.Steps, inputs, outputs);
        var plan = new ExecutionPlan(_options.Target.Name, _plan.Tensors, _plan.Steps, [.. inputs], [.. outputs], arena);
        long limit = _options.MemoryLimitBytes ?? _options.Target.MemoryBytes;
        if (limit > 0 && plan.PeakDeviceBytes > limit)
        {
            throw new InvalidOperationException(
                $"the plan needs {ExecutionPlan.FormatBytes(plan.PeakDeviceBytes)} of device memory but target '{_options.Target.Name}' has " +
                $"{ExecutionPlan.FormatBytes(limit)}: it does not fit by {ExecutionPlan.FormatBytes(plan.PeakDeviceBytes - limit)} " +
                $"(activations {ExecutionPlan.FormatBytes(plan.ArenaBytes)}, constants {ExecutionPlan.FormatBytes(plan.ConstantBytes)}; try a smaller batch)");
        }

        var ptx = _options.Ptx?.Generate(plan, _options.Target) ?? new Dictionary<string, string>();
        return new LoweringResult(plan, _int8Nodes, _floatNodes, ptx, limit);
    }

    private void LowerNode(Node node)
    {
        switch (node.OpType)
        {
            case "Constant":
                _values[node.Outputs[0]!] = new ConstantValue(ConstantAttribute(node));
                return;
            case "DequantizeLinear":
                LowerDequantize(node);
                return;
            case "QuantizeLinear":
                LowerQuantize(node);
                return;
        }

        if (TryFoldConstant(node))
            return;
        if (TryLowerOnBytes(node))
        {
            _int8Nodes.Add(node.Describe());
            return;
        }

        string? reason = TryLowerInt8(node);
        if (reason is null)
        {
            _int8Nodes.Add(node.Describe());
            return;
        }

        LowerFloat(node);
        _floatNodes.Add(new FloatFallback(node.Describe(), node.OpType, reason));
    }

    private void LowerDequantize(Node node)
    {
        var x = node.Input(0) ?? throw new NotSupportedException($"{node.Describe()} has no input");
        var lowered = Lookup(x);
        var p = QdqAttributes.Read(node, Constant, RankOf(x));
        var y = node.Outputs[0]!;
        switch (lowered)
        {
            case ConstantValue c:
                _values[y] = new DequantizedConstant(c.Data, p.Scales, p.ZeroPoints, p.Axis);
                return;
            case BytesValue b:
                var quant = p.ToQuantParams(node);
                if (quant == b.Tensor.Quant)
                {
                    _values[y] = new DequantizedValue(b.Tensor);
                    return;
                }

                // The bytes are read with other parameters than they were written with: a relabelled copy.
                var relabelled = _plan.NewLike(b.Tensor, y.Name + ".bytes", quant: quant);
                _plan.Add(PlanBuilder.Copy(node.Describe(), b.Tensor, relabelled, "relabel"));
                _values[y] = new DequantizedValue(relabelled);
                return;
            default:
                throw new NotSupportedException($"cannot lower {node.Describe()}: its input '{x.Name}' is not an 8-bit tensor");
        }
    }

    private void LowerQuantize(Node node)
    {
        var x = node.Input(0) ?? throw new NotSupportedException($"{node.Describe()} has no input");
        var quant = QdqAttributes.Read(node, Constant, RankOf(x)).ToQuantParams(node);
        var y = node.Outputs[0]!;
        if (Lookup(x) is DequantizedValue d)
        {
            if (d.Bytes.Quant == quant)
            {
                _values[y] = new BytesValue(d.Bytes);
                return;
            }

            // DQ -> Q with new parameters: an exact integer requantization (a one-input Concat).
            var output = _plan.NewBytes(y.Name, d.Bytes.Shape, d.Bytes.Layout, quant);
            _plan.Add(Requantize(node.Describe(), d.Bytes, output, FusedActivation.None));
            _values[y] = new BytesValue(output);
            _int8Nodes.Add(node.Describe());
            return;
        }

        var input = AsFloat(x);
        var bytes = _plan.NewBytes(y.Name, input.Shape, input.Layout, quant);
        _plan.Add(new QuantizeStep(node.Describe(), input.Id, bytes.Id, quant));
        _values[y] = new BytesValue(bytes);
    }

    /// <summary>The value as a float plan tensor, dequantizing or materializing constants on first use.</summary>
    private PlanTensor AsFloat(Value v)
    {
        switch (Lookup(v))
        {
            case FloatValue f:
                return f.Tensor;
            case DequantizedValue d:
                if (!_dequantized.TryGetValue(d.Bytes.Id, out var t))
                {
                    t = _plan.NewFloat(v.Name, d.Bytes.Shape, d.Bytes.Layout);
                    _plan.Add(new DequantizeStep(v.Name, d.Bytes.Id, t.Id, d.Bytes.Quant!));
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

    private PlanTensor ConstantTensor(string name, IReadOnlyList<long> dims, float[] values)
    {
        int[] shape = dims.Count == 0 ? [1] : dims.Select(d => checked((int)d)).ToArray();
        var t = _plan.NewFloat(name, shape);
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        _plan.Add(new ConstantStep(name, t.Id, bytes));
        return t;
    }

    private LoweredValue Lookup(Value v) =>
        _values.TryGetValue(v, out var l) ? l : throw new NotSupportedException($"value '{v.Name}' is used before it is defined (or its producer could not be lowered)");

    private TensorData? Constant(Value v) => _values.TryGetValue(v, out var l) && l is ConstantValue c ? c.Data : null;

    /// <summary>Logical shape of a lowered value.</summary>
    private int[] ShapeOf(Value v) => Lookup(v) switch
    {
        FloatValue f => f.Tensor.Shape,
        BytesValue b => b.Tensor.Shape,
        DequantizedValue d => d.Bytes.Shape,
        ConstantValue c => c.Data.Dims.Select(d => checked((int)d)).ToArray(),
        DequantizedConstant dc => dc.Data.Dims.Select(d => checked((int)d)).ToArray(),
        _ => throw new InvalidOperationException(),
    };

    private int RankOf(Value v) => _values.ContainsKey(v) ? ShapeOf(v).Length : v.Shape?.Rank ?? 0;

    private int[] StaticShape(Value input)
    {
        var shape = input.Shape ?? throw new NotSupportedException($"graph input '{input.Name}' has no shape");
        var dims = new int[shape.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            if (shape[i].Value is long d && d > 0)
                dims[i] = checked((int)d);
            else if (i == 0)
                dims[i] = _options.BatchSize;
            else
                throw new NotSupportedException($"graph input '{input.Name}' has an unknown dimension {i} ({shape}); only the batch may be dynamic");
        }

        return dims;
    }

    private static TensorData ConstantAttribute(Node node)
    {
        var a = node.Attribute("value");
        if (a?.T is { } t)
            return t;
        if (node.Attribute("value_float") is { } f)
            return TensorData.Scalar(f.F);
        if (node.Attribute("value_int") is { } i)
            return TensorData.Scalar(i.I);
        if (node.Attribute("value_floats") is { } fs)
            return TensorData.FromFloats([fs.Floats.Length], fs.Floats.AsSpan());
        if (node.Attribute("value_ints") is { } ints)
            return TensorData.FromInt64s([ints.Ints.Length], ints.Ints.AsSpan());
        throw new NotSupportedException($"cannot lower {node.Describe()}: unsupported Constant attribute");
    }
}
