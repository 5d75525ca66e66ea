// Runs a model before and after a transformation in ONNX Runtime on random inputs and compares the outputs.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests;

internal static class OrtCheck
{
    /// <summary>
    /// Saves <paramref name="model"/>, applies <paramref name="transform"/>, verifies the result, saves it again, and
    /// asserts that ORT gives outputs within <paramref name="rtol"/> relative (plus a tiny absolute slack for values
    /// near zero) on random FLOAT inputs. Symbolic dims are given size 2.
    /// </summary>
    public static void AssertPreserved(Model model, Action<Model> transform, double rtol = 1e-5, int seed = 1)
    {
        using var dir = new TempDir("onnxc-passes");
        string before = dir.File("before.onnx");
        string after = dir.File("after.onnx");
        OnnxExporter.Save(model, before);
        transform(model);
        Verifier.Verify(model);
        OnnxExporter.Save(model, after);
        AssertSameOutputs(before, after, rtol, seed);
    }

    public static void AssertSameOutputs(string beforePath, string afterPath, double rtol, int seed)
    {
        var rng = new Random(seed);
        var inputs = new Dictionary<string, OrtTensor>();
        foreach (Value input in OnnxImporter.Load(beforePath).Graph.Inputs.Where(v => !v.IsInitializer))
        {
            long[] dims = [.. input.Shape!.Dims.Select(d => d.Value ?? 2)];
            inputs[input.Name] = OrtTensor.FromFloats(dims, TestGraphs.RandomFloats(rng, (int)TensorData.CountElements(dims)));
        }

        using var before = new OrtRunner(beforePath);
        using var after = new OrtRunner(afterPath);
        Assert.Equal(before.OutputNames, after.OutputNames);
        IReadOnlyList<OrtTensor> ra = before.Run(inputs);
        IReadOnlyList<OrtTensor> rb = after.Run(inputs);
        for (int i = 0; i < ra.Count; i++)
        {
            float[] x = ra[i].ToFloats();
            float[] y = rb[i].ToFloats();
            Assert.Equal(x.Length, y.Length);
            for (int j = 0; j < x.Length; j++)
            {
                double tol = (rtol * Math.Max(Math.Abs(x[j]), Math.Abs(y[j]))) + 1e-6;
                Assert.True(Math.Abs(x[j] - y[j]) <= tol, $"output {before.OutputNames[i]}[{j}]: {x[j]} before, {y[j]} after");
            }
        }
    }

    /// <summary>Runs one pass on <paramref name="model"/> with a test context and returns the context's statistics.</summary>
    public static PassContext RunPass(Model model, Pass pass, PassOptions? options = null)
    {
        PassContext context = TestGraphs.Context(options);
        new PassManager().Add(pass).Run(model, context);
        return context;
    }
}
