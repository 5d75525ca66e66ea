// Keeps the most sensitive layers in float until the measured top-1 drop is within the limit.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Calibration;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// <c>--max-accuracy-drop X --eval-data PATH</c>. Layers are ranked by the noise each adds: for a quantized op,
/// SQNR(input) − SQNR(output) in dB, both measured against the float model on calibration samples (the QDQ model
/// exposes each tensor's dequantized value). Then, most damaging first, a layer is put back in float, the model
/// is rebuilt and top-1 is measured on the eval data; the change is kept only if accuracy rose ("refined by
/// measured accuracy"). It stops when the drop is within X, or after <see cref="MaxTrials"/> trials.
/// </summary>
internal sealed class AccuracyControl(Model prepared, QuantizationOptions options, SampleSet calibration, SampleSet eval, Action<string> log)
{
    public const int MaxTrials = 12;
    private const int SqnrSamples = 32;

    public (Model Model, QuantizationPlan Plan, CalibrationTable Table, AccuracyControlResult Result, IReadOnlyList<string> Fallbacks) Run(
        QuantizationPlan plan, CalibrationTable table, Model quantized, double maxDrop)
    {
        int[]? indices = options.AccuracySamples is int n ? SubsetPicker.EvenlySpread(eval.Count, n) : null;
        double floatTop1 = Top1(prepared, indices);
        double top1 = Top1(quantized, indices);
        double initial = top1;
        int samples = indices?.Length ?? eval.Count;
        log($"accuracy: float {floatTop1:F2}%, int8 {top1:F2}% on {samples} samples (limit {maxDrop:F2} points)");
        IReadOnlyList<LayerSensitivity> ranking = Rank(plan, table);
        var fallbacks = new List<string>();
        int trials = 0;
        foreach (LayerSensitivity layer in ranking)
        {
            if (floatTop1 - top1 <= maxDrop || trials++ >= MaxTrials)
            {
                break;
            }

            QuantizationOptions tryOptions = options with { Exclude = [.. options.Exclude, .. fallbacks, layer.Node] };
            QuantizationPlan tryPlan = QuantizationPlanner.Plan(prepared, tryOptions);
            CalibrationTable tryTable = Int8Compiler.EnsureTable(prepared, tryPlan, table, calibration, options.Calibration, log);
            Model tryModel = Int8Compiler.Build(prepared, tryPlan, tryTable, tryOptions);
            double tryTop1 = Top1(tryModel, indices);
            log($"accuracy: {layer.Node} ({layer.OpType}, {layer.SqnrDb:F1} dB added noise) in float -> {tryTop1:F2}%");
            if (tryTop1 > top1)
            {
                fallbacks.Add(layer.Node);
                (quantized, plan, table, top1) = (tryModel, tryPlan, tryTable, tryTop1);
            }
        }

        var result = new AccuracyControlResult(samples, floatTop1, initial, top1, maxDrop, floatTop1 - top1 <= maxDrop, ranking);
        return (quantized, plan, table, result, fallbacks);
    }

    private double Top1(Model model, int[]? indices)
    {
        using InferenceRunner runner = InferenceRunner.Create(model);
        return AccuracyMeter.Measure(runner, eval, indices).Top1;
    }

    /// <summary>Quantized ops with their added noise (dB), most damaging first.</summary>
    private List<LayerSensitivity> Rank(QuantizationPlan plan, CalibrationTable table)
    {
        Model qdq = Int8Compiler.Build(prepared, plan, table, options with { Format = QuantFormat.Qdq, QdqCleanup = false });
        var dqOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Node q in qdq.Graph.Nodes.Where(n => n.OpType == "QuantizeLinear"))
        {
            if (q.Outputs[0]!.Uses.FirstOrDefault(u => u.Node.OpType == "DequantizeLinear").Node is { } dq)
            {
                dqOf[q.Inputs[0]!.Name] = dq.Outputs[0]!.Name;
            }
        }

        // A layer whose output is a graph output stays float there: compare that output itself.
        foreach (Value o in prepared.Graph.Outputs)
        {
            if (qdq.Graph.Outputs.Any(q => q.Name == o.Name))
            {
                dqOf.TryAdd(o.Name, o.Name);
            }
        }

        var layers = new List<(Node Node, string? In, string Out)>();
        foreach (Node node in prepared.Graph.Nodes.Where(plan.QuantizedNodes.Contains))
        {
            if (OpRules.Of(node.OpType) is not (OpRule.Weighted or OpRule.OwnRange))
            {
                continue;
            }

            Value y = node.Outputs[0]!;
            string outName = y.Uses.Count == 1 && y.Uses[0].Node is { OpType: "Relu" or "Clip" } act && dqOf.ContainsKey(act.Outputs[0]!.Name)
                ? act.Outputs[0]!.Name
                : y.Name;
            if (!dqOf.ContainsKey(outName))
            {
                continue;
            }

            string? inName = node.Input(0) is { } x && dqOf.ContainsKey(x.Name) ? x.Name : null;
            layers.Add((node, inName, outName));
        }

        var names = layers.SelectMany(l => l.In is null ? new[] { l.Out } : [l.In, l.Out]).Distinct().ToList();
        int batch = calibration.FixedBatchSize ?? 8;
        double[] sqnr = ActivationComparer.Sqnr(prepared, qdq, [.. names.Select(t => (t, dqOf[t]))], calibration.Batches(batch, SqnrSamples));
        var byName = names.Select((t, i) => (t, sqnr[i])).ToDictionary(p => p.t, p => p.Item2, StringComparer.Ordinal);
        const double cap = 100;
        return [.. layers
            .Select(l => new LayerSensitivity(
                l.Node.Name.Length > 0 ? l.Node.Name : l.Node.Outputs[0]!.Name,
                l.Node.OpType,
                l.Out,
                Math.Min(cap, l.In is null ? cap : byName[l.In]) - Math.Min(cap, byName[l.Out])))
            .OrderByDescending(s => s.SqnrDb)];
    }
}
