// Checks emitted gradients against central finite differences of the float64 reference.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;
using Onnxc.Passes.Tests.Training.Reference;
using Onnxc.Passes.Training.Autodiff;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Training;

/// <summary>
/// The gradient check every rule is tested with. The forward model's float outputs y_k become the scalar
/// L = Σ_k Σ_i R_k[i]·y_k[i] with fixed random R_k, so every output element gets its own weight. The analytic
/// gradient dL/dw comes from the training graph that <see cref="Differentiator"/> emits, run by ONNX Runtime in
/// float32 (as training runs). The numerical one is (L(w+h) − L(w−h)) / 2h, with L from
/// <see cref="Float64Evaluator"/> in float64. They must agree within <c>rtol·(|fd|+scale)+atol</c>, where scale is
/// the largest |fd| over the tensor, so tiny components are judged against the tensor's size.
/// </summary>
internal static class GradientCheck
{
    /// <summary>The outcome per checked tensor: the largest error relative to the tolerance (≤ 1 passes).</summary>
    public sealed record Result(string Value, int Checked, double WorstRatio, string Worst);

    /// <summary>
    /// Checks d(L)/d(each of <paramref name="wrt"/>) for <paramref name="model"/>. Graph inputs get random values
    /// in [-1, 1] (or <paramref name="inputValues"/>); initializers keep theirs. Up to
    /// <paramref name="maxElements"/> elements of each tensor are checked, spread evenly. Returns the results; the
    /// caller asserts (see <see cref="AssertGradients"/>).
    /// </summary>
    public static IReadOnlyList<Result> Check(
        Model model,
        IReadOnlyList<string> wrt,
        GradientRuleSet? rules = null,
        int seed = 1,
        double h = 1e-4,
        double rtol = 2e-3,
        double atol = 1e-5,
        int maxElements = 48,
        IReadOnlyDictionary<string, float[]>? inputValues = null)
    {
        ShapeInference.Run(model);
        Verifier.Verify(model);
        var rng = new Random(seed);
        using var dir = new TempDir("onnxc-gradcheck");
        string forwardPath = dir.File("forward.onnx");
        OnnxExporter.Save(model, forwardPath);

        // Random inputs and output weights, shared by both sides.
        var inputs = new Dictionary<string, float[]>();
        var dims = new Dictionary<string, long[]>();
        foreach (Value input in model.Graph.Inputs.Where(v => !v.IsInitializer))
        {
            long[] d = input.Shape!.ToArray();
            dims[input.Name] = d;
            inputs[input.Name] = inputValues?.GetValueOrDefault(input.Name)
                ?? TestGraphs.RandomFloats(rng, (int)TensorData.CountElements(d));
        }

        var weights = new List<(string Output, long[] Dims, double[] R)>();
        foreach (Value y in model.Graph.Outputs.Where(o => o.ElementType == ElementType.Float))
        {
            long[] d = y.Shape!.ToArray();
            weights.Add((y.Name, d, [.. TestGraphs.RandomFloats(rng, (int)TensorData.CountElements(d)).Select(f => (double)f)]));
        }

        float[][] analytic = Analytic(OnnxImporter.Load(forwardPath), wrt, weights, inputs, dims, rules, dir);
        Model reference = OnnxImporter.Load(forwardPath);
        var results = new List<Result>();
        for (int k = 0; k < wrt.Count; k++)
        {
            Value w = reference.Graph.FindValue(wrt[k]) ?? throw new ArgumentException($"no value {wrt[k]}");
            F64 base0 = w.Initializer is { } init ? F64.From(init)
                : new F64(dims[w.Name], [.. inputs[w.Name].Select(f => (double)f)]);
            int n = base0.Count;
            int step = Math.Max(1, n / maxElements);
            var fd = new List<(int Index, double Value)>();
            for (int i = 0; i < n; i += step)
            {
                double plus = Loss(reference, inputs, dims, weights, w, base0, i, +h);
                double minus = Loss(reference, inputs, dims, weights, w, base0, i, -h);
                fd.Add((i, (plus - minus) / (2 * h)));
            }

            double scale = fd.Max(p => Math.Abs(p.Value));
            double worst = 0;
            string worstText = "";
            foreach ((int i, double num) in fd)
            {
                double tol = (rtol * (Math.Abs(num) + scale)) + atol;
                double ratio = Math.Abs(analytic[k][i] - num) / tol;
                if (ratio > worst || worstText.Length == 0)
                {
                    worst = ratio;
                    worstText = $"[{i}] analytic {analytic[k][i]:G6}, numerical {num:G6}";
                }
            }

            results.Add(new Result(wrt[k], fd.Count, worst, worstText));
        }

        return results;
    }

    /// <summary>Runs <see cref="Check"/> and asserts every tensor passed.</summary>
    public static void AssertGradients(Model model, params string[] wrt) => AssertAll(Check(model, wrt));

    public static void AssertAll(IReadOnlyList<Result> results)
    {
        foreach (Result r in results)
        {
            Assert.True(r.WorstRatio <= 1, $"d/d{r.Value}: worst {r.WorstRatio:F2}x the tolerance at {r.Worst} ({r.Checked} checked)");
        }
    }

    private static float[][] Analytic(
        Model model,
        IReadOnlyList<string> wrt,
        List<(string Output, long[] Dims, double[] R)> weights,
        Dictionary<string, float[]> inputs,
        Dictionary<string, long[]> dims,
        GradientRuleSet? rules,
        TempDir dir)
    {
        ShapeInference.Run(model);
        Graph g = model.Graph;
        Value? loss = null;
        foreach ((string name, long[] d, double[] r) in weights)
        {
            Value y = g.FindValue(name)!;
            Value rv = g.AddConstant("check_r", TensorData.FromFloats(d, [.. r.Select(x => (float)x)]));
            Value prod = g.AddNode("Mul", [y, rv]).Outputs[0]!;
            Value s = g.AddNode("ReduceSum", [prod], 1, [NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!;
            loss = loss is null ? s : g.AddNode("Add", [loss, s]).Outputs[0]!;
        }

        Value[] targets = [.. wrt.Select(n => g.FindValue(n) ?? throw new ArgumentException($"no value {n}"))];
        IReadOnlyDictionary<Value, Value?> grads = Differentiator.Differentiate(g, loss!, targets, rules);
        while (g.Outputs.Count > 0)
        {
            g.RemoveOutputAt(0);
        }

        foreach (Value t in targets)
        {
            g.AddOutput(grads[t] ?? throw new InvalidOperationException($"the loss does not depend on {t.Name}"));
        }

        ShapeInference.Run(model);
        Verifier.Verify(model);
        string path = dir.File("gradient.onnx");
        OnnxExporter.Save(model, path);
        using var runner = new OrtRunner(path);
        var feeds = inputs.ToDictionary(p => p.Key, p => OrtTensor.FromFloats(dims[p.Key], p.Value));
        return [.. runner.Run(feeds).Select(t => t.ToFloats())];
    }

    private static double Loss(
        Model reference,
        Dictionary<string, float[]> inputs,
        Dictionary<string, long[]> dims,
        List<(string Output, long[] Dims, double[] R)> weights,
        Value w,
        F64 base0,
        int index,
        double delta)
    {
        var feeds = new Dictionary<Value, F64>();
        foreach ((string name, float[] values) in inputs)
        {
            feeds[reference.Graph.FindValue(name)!] = new F64(dims[name], [.. values.Select(f => (double)f)]);
        }

        F64 perturbed = base0.Clone();
        perturbed.Data[index] += delta;
        feeds[w] = perturbed;
        Dictionary<Value, F64> env = Float64Evaluator.Run(reference.Graph, feeds);
        double loss = 0;
        foreach ((string name, _, double[] r) in weights)
        {
            double[] y = env[reference.Graph.FindValue(name)!].Data;
            for (int i = 0; i < y.Length; i++)
            {
                loss += r[i] * y[i];
            }
        }

        return loss;
    }
}
