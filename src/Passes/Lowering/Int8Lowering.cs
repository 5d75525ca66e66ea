// Lowers a QDQ model to an execution plan of INT8 kernels, with float kernels for what has no INT8 kernel.
using Onnxc.GraphIR.Evaluation;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;
using Onnxc.Passes.Lowering.Rules;
using KernelType = Onnxc.Kernels.Registry.ElementType;

namespace Onnxc.Passes.Lowering;

/// <summary>
/// The lowering pass. It walks the graph once in order and maps every value to a plan tensor:
/// <list type="bullet">
/// <item>A quantized island <c>DequantizeLinear(s) -> op [-> Relu/Clip] -> QuantizeLinear</c> becomes one step on
/// the 8-bit tensors when an <see cref="Int8Rule"/> takes the op and the target's <see cref="KernelSet"/>
/// (<see cref="LoweringOptions.Kernels"/>) has the kernel for the island's element types; its quantization
/// parameters are folded at compile time (int32 bias, per-channel Q31 multipliers and shifts, zero points,
/// activation clamp bounds).</item>
/// <item>Q/DQ at island borders become quantize/dequantize steps; DQ of constants are read by the packers.</item>
/// <item>Every other op runs as a float kernel (its <see cref="FloatRule"/>) on dequantized inputs and is listed
/// in the summary with the reason INT8 did not take it.</item>
/// </list>
/// Tensors produced by convolutions and pools are NHWC; layout conversions are inserted where a reader needs
/// the other order. Finally the memory planner assigns arena offsets and the plan is checked against the
/// target's memory.
/// </summary>
public sealed class Int8Lowering
{
    private const long MaxFoldedElements = 1 << 20;

    private readonly LoweringContext _context;

    private Int8Lowering(Model model, LoweringOptions options)
    {
        _context = new LoweringContext(model, options);
    }

    private Graph Graph => _context.Graph;

    private LoweringOptions Options => _context.Options;

    private PlanBuilder Plan => _context.Plan;

    /// <summary>Lowers <paramref name="model"/> (not modified) for <see cref="LoweringOptions.Target"/>.</summary>
    public static LoweringResult Lower(Model model, LoweringOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return new Int8Lowering(model, options).Run();
    }

    /// <summary>The ONNX op types (default domain) with an INT8 rule whose kernel <paramref name="kernels"/> has.</summary>
    public static IReadOnlyList<string> Int8OpTypes(KernelSet kernels) =>
        [.. LoweringRules.Int8.SelectMany(r => r.OpTypes.Where(op => r.KernelFor(op) is not { } k || kernels.Implements(k))).Order(StringComparer.Ordinal)];

    /// <summary>The ONNX op types (default domain) a float kernel can run.</summary>
    public static IReadOnlyList<string> FloatOpTypes() =>
        [.. LoweringRules.Float.SelectMany(r => r.OpTypes).Order(StringComparer.Ordinal)];

    private LoweringResult Run()
    {
        foreach (var init in Graph.Initializers)
        {
            if (init.Initializer is not null)
            {
                _context.Define(init, new ConstantValue(init.Initializer));
            }
        }

        var inputs = new List<int>();
        foreach (var input in Graph.Inputs)
        {
            if (input.IsInitializer)
            {
                continue;
            }

            if (input.ElementType != GraphIR.ElementType.Float)
            {
                throw new NotSupportedException($"graph input '{input.Name}' is {input.ElementType.OnnxName()}; lowered plans take float32 inputs");
            }

            var t = Plan.NewFloat(input.Name, StaticShape(input));
            _context.Define(input, new FloatValue(t));
            inputs.Add(t.Id);
        }

        foreach (var node in Graph.Nodes)
        {
            if (_context.IsAbsorbed(node))
            {
                continue;
            }

            if (!node.IsDefaultDomain)
            {
                throw new NotSupportedException($"cannot lower {node.Describe()}: custom domain '{node.Domain}'");
            }

            LowerNode(node);
        }

        var outputs = new List<int>();
        foreach (var output in Graph.Outputs)
        {
            var t = Plan.InLayout(_context.AsFloat(output), PlanLayout.Logical, output.Name);
            if (inputs.Contains(t.Id) || outputs.Contains(t.Id))
            {
                var copy = Plan.NewFloat(output.Name, t.Shape);
                Plan.Add(PlanBuilder.Copy(output.Name, t, copy, "copy"));
                t = copy;
            }

            outputs.Add(t.Id);
        }

        long arena = MemoryPlanner.Assign(Plan.Tensors, Plan.Steps, inputs, outputs);
        var plan = new ExecutionPlan(Options.Target.Name, Plan.Tensors, Plan.Steps, [.. inputs], [.. outputs], arena);
        long limit = Options.MemoryLimitBytes ?? Options.Target.MemoryBytes;
        if (limit > 0 && plan.PeakDeviceBytes > limit)
        {
            throw new InvalidOperationException(
                $"the plan needs {ExecutionPlan.FormatBytes(plan.PeakDeviceBytes)} of device memory but target '{Options.Target.Name}' has " +
                $"{ExecutionPlan.FormatBytes(limit)}: it does not fit by {ExecutionPlan.FormatBytes(plan.PeakDeviceBytes - limit)} " +
                $"(activations {ExecutionPlan.FormatBytes(plan.ArenaBytes)}, constants {ExecutionPlan.FormatBytes(plan.ConstantBytes)}; try a smaller batch)");
        }

        var ptx = Options.Ptx?.Generate(plan, Options.Target) ?? new Dictionary<string, string>();
        return new LoweringResult(plan, _context.Int8Nodes, _context.FloatNodes, ptx, limit);
    }

    /// <summary>
    /// One node: Q/DQ and constants first, then shape arithmetic folded at compile time, then ops on the bytes,
    /// then the INT8 rule (legal only where the kernel set has its kernel), and the float rule for the rest.
    /// </summary>
    private void LowerNode(Node node)
    {
        switch (node.OpType)
        {
            case "Constant":
                _context.Define(node.Outputs[0]!, new ConstantValue(ConstantAttribute(node)));
                return;
            case "DequantizeLinear":
                LowerDequantize(node);
                return;
            case "QuantizeLinear":
                LowerQuantize(node);
                return;
        }

        if (TryFoldConstant(node))
        {
            return;
        }

        if (TryLowerOnBytes(node))
        {
            _context.Int8Nodes.Add(node.Describe());
            return;
        }

        string? reason = TryLowerInt8(node);
        if (reason is null)
        {
            _context.Int8Nodes.Add(node.Describe());
            return;
        }

        if (LoweringRules.FloatFor(node.OpType) is not { } rule || !rule.Accepts(node))
        {
            throw new NotSupportedException($"cannot lower {node.Describe()}: {node.OpType} has neither an INT8 nor a float kernel");
        }

        _context.Define(node.Outputs[0]!, new FloatValue(rule.Lower(_context, node)));
        _context.FloatNodes.Add(new FloatFallback(node.Describe(), node.OpType, reason));
    }

    /// <summary>The INT8 rule of the node's op, if its kernel is in the set; null when lowered, else why not.</summary>
    private string? TryLowerInt8(Node node)
    {
        if (LoweringRules.Int8For(node.OpType) is not { } rule)
        {
            return "no INT8 kernel for this op";
        }

        if (rule.KernelFor(node.OpType) is { } kernel && !Options.Kernels.Implements(kernel))
        {
            return $"no INT8 kernel registered for {kernel}";
        }

        return rule.TryLower(_context, node);
    }

    /// <summary>
    /// Ops that read an 8-bit tensor directly (no DequantizeLinear in between; the quantizer's cleanup leaves
    /// value-preserving ops like Reshape and MaxPool on the integers, which ONNX allows for these types):
    /// they run on the bytes and their output keeps the input's quantization.
    /// </summary>
    private bool TryLowerOnBytes(Node node)
    {
        if (node.Input(0) is not { } first || _context.Lookup(first) is not BytesValue x)
        {
            return false;
        }

        var y = node.Outputs[0]!;
        switch (node.OpType)
        {
            case var op when LoweringRules.Int8For(op) is DataMovementRule:
                _context.Define(y, new BytesValue(_context.MoveData(node, x.Tensor, y.Name)));
                return true;
            case "MaxPool" when x.Tensor.Shape.Length == 4 && node.GetInt("storage_order", 0) == 0:
            {
                _context.RequireKernel(node, KernelOp.MaxPool, KernelSet.Of(x.Tensor.Quant!.Type), KernelSet.Of(x.Tensor.Quant!.Type));
                var g = LoweringGeometry.PoolGeometryOf(node, x.Tensor.Shape);
                var input = Plan.InLayout(x.Tensor, PlanLayout.Nhwc, node.Describe());
                var output = Plan.NewLike(input, y.Name, [g.Batch, g.Channels, g.OutHeight, g.OutWidth]);
                Plan.Add(new MaxPoolStep(node.Describe(), input.Id, output.Id, g, input.Quant!.Type));
                _context.Define(y, new BytesValue(output));
                return true;
            }

            default:
                throw new NotSupportedException($"cannot lower {node.Describe()}: it reads the 8-bit tensor '{first.Name}' directly and has no INT8 kernel");
        }
    }

    private void LowerDequantize(Node node)
    {
        var x = node.Input(0) ?? throw new NotSupportedException($"{node.Describe()} has no input");
        var lowered = _context.Lookup(x);
        var p = QdqAttributes.Read(node, _context.Constant, _context.RankOf(x));
        var y = node.Outputs[0]!;
        switch (lowered)
        {
            case ConstantValue c:
                _context.Define(y, new DequantizedConstant(c.Data, p.Scales, p.ZeroPoints, p.Axis));
                return;
            case BytesValue b:
                var quant = p.ToQuantParams(node);
                if (quant == b.Tensor.Quant)
                {
                    _context.Define(y, new DequantizedValue(b.Tensor));
                    return;
                }

                // The bytes are read with other parameters than they were written with: a relabelled copy.
                var relabelled = Plan.NewLike(b.Tensor, y.Name + ".bytes", quant: quant);
                Plan.Add(PlanBuilder.Copy(node.Describe(), b.Tensor, relabelled, "relabel"));
                _context.Define(y, new DequantizedValue(relabelled));
                return;
            default:
                throw new NotSupportedException($"cannot lower {node.Describe()}: its input '{x.Name}' is not an 8-bit tensor");
        }
    }

    private void LowerQuantize(Node node)
    {
        var x = node.Input(0) ?? throw new NotSupportedException($"{node.Describe()} has no input");
        var quant = QdqAttributes.Read(node, _context.Constant, _context.RankOf(x)).ToQuantParams(node);
        var y = node.Outputs[0]!;
        if (_context.Lookup(x) is DequantizedValue d)
        {
            if (d.Bytes.Quant == quant)
            {
                _context.Define(y, new BytesValue(d.Bytes));
                return;
            }

            // DQ -> Q with new parameters: an exact integer requantization (a one-input Concat).
            _context.RequireKernel(node, KernelOp.Concat, KernelSet.Of(d.Bytes.Quant!.Type), KernelSet.Of(quant.Type));
            var output = Plan.NewBytes(y.Name, d.Bytes.Shape, d.Bytes.Layout, quant);
            Plan.Add(LoweringContext.Requantize(node.Describe(), d.Bytes, output, FusedActivation.None));
            _context.Define(y, new BytesValue(output));
            _context.Int8Nodes.Add(node.Describe());
            return;
        }

        _context.RequireKernel(node, KernelOp.QuantizeLinear, KernelType.Float32, KernelSet.Of(quant.Type));
        var input = _context.AsFloat(x);
        var bytes = Plan.NewBytes(y.Name, input.Shape, input.Layout, quant);
        Plan.Add(new QuantizeStep(node.Describe(), input.Id, bytes.Id, quant));
        _context.Define(y, new BytesValue(bytes));
    }


    /// <summary>
    /// Plans have static shapes, so Shape of any value is a constant, and small ops whose inputs are all
    /// constants (the shape subgraphs exporters emit) are evaluated here instead of becoming kernels.
    /// Returns false when the node is not such a case.
    /// </summary>
    private bool TryFoldConstant(Node node)
    {
        if (node.OpType == "Shape")
        {
            long[] dims = _context.ShapeOf(node.Input(0)!).Select(d => (long)d).ToArray();
            int rank = dims.Length;
            int start = (int)node.GetInt("start", 0);
            int end = (int)node.GetInt("end", rank);
            start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
            end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
            long[] slice = dims[start..Math.Max(start, end)];
            _context.Define(node.Outputs[0]!, new ConstantValue(TensorData.FromInt64s([slice.Length], slice)));
            return true;
        }

        var inputs = new List<TensorData?>();
        foreach (var v in node.Inputs)
        {
            if (v is null)
            {
                inputs.Add(null);
                continue;
            }

            if (_context.Lookup(v) is not ConstantValue c)
            {
                return false;
            }

            inputs.Add(c.Data);
        }

        if (inputs.Count == 0 || node.Outputs.Count != 1 || FoldConstant(node, inputs) is not { } result)
        {
            return false;
        }

        _context.Define(node.Outputs[0]!, new ConstantValue(result));
        return true;
    }

    /// <summary>
    /// The node's value by <see cref="ConstantEvaluator"/>, the evaluator -O 1's constant folding uses (exact, as ONNX
    /// Runtime computes it); null when it cannot evaluate the node exactly, or the result is too big to be a plan
    /// constant rather than a kernel's output.
    /// </summary>
    private static TensorData? FoldConstant(Node node, List<TensorData?> inputs)
    {
        if (!node.IsDefaultDomain || !ConstantEvaluator.Supports(node.OpType))
        {
            return null;
        }

        try
        {
            TensorData result = ConstantEvaluator.Evaluate(node, inputs)[0];
            return result.ElementCount <= MaxFoldedElements ? result : null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private int[] StaticShape(Value input)
    {
        var shape = input.Shape ?? throw new NotSupportedException($"graph input '{input.Name}' has no shape");
        var dims = new int[shape.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            if (shape[i].Value is long d && d > 0)
            {
                dims[i] = checked((int)d);
            }
            else if (i == 0)
            {
                dims[i] = Options.BatchSize;
            }
            else
            {
                throw new NotSupportedException($"graph input '{input.Name}' has an unknown dimension {i} ({shape}); only the batch may be dynamic");
            }
        }

        return dims;
    }

    private static TensorData ConstantAttribute(Node node)
    {
        var a = node.Attribute("value");
        if (a?.T is { } t)
        {
            return t;
        }

        if (node.Attribute("value_float") is { } f)
        {
            return TensorData.Scalar(f.F);
        }

        if (node.Attribute("value_int") is { } i)
        {
            return TensorData.Scalar(i.I);
        }

        if (node.Attribute("value_floats") is { } fs)
        {
            return TensorData.FromFloats([fs.Floats.Length], fs.Floats.AsSpan());
        }

        if (node.Attribute("value_ints") is { } ints)
        {
            return TensorData.FromInt64s([ints.Ints.Length], ints.Ints.AsSpan());
        }

        throw new NotSupportedException($"cannot lower {node.Describe()}: unsupported Constant attribute");
    }
}
