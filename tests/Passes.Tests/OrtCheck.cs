// Runs a model before and after a transformation in ONNX Runtime on random inputs and compares the outputs.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
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
        using var a = new InferenceSession(beforePath);
        using var b = new InferenceSession(afterPath);
        var rng = new Random(seed);
        var inputs = new List<NamedOnnxValue>();
        foreach ((string name, NodeMetadata meta) in a.InputMetadata)
        {
            int[] dims = [.. meta.Dimensions.Select(d => d < 0 ? 2 : d)];
            int count = dims.Aggregate(1, (x, y) => x * y);
            var t = new DenseTensor<float>(TestGraphs.RandomFloats(rng, count), dims);
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, t));
        }

        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> ra = a.Run(inputs);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> rb = b.Run(inputs);
        Assert.Equal(ra.Count, rb.Count);
        for (int i = 0; i < ra.Count; i++)
        {
            Assert.Equal(ra[i].Name, rb[i].Name);
            float[] x = [.. ra[i].AsTensor<float>()];
            float[] y = [.. rb[i].AsTensor<float>()];
            Assert.Equal(x.Length, y.Length);
            for (int j = 0; j < x.Length; j++)
            {
                double tol = (rtol * Math.Max(Math.Abs(x[j]), Math.Abs(y[j]))) + 1e-6;
                Assert.True(Math.Abs(x[j] - y[j]) <= tol, $"output {ra[i].Name}[{j}]: {x[j]} before, {y[j]} after");
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
