// -O2 on every shared real model: the result verifies, matches the original in ORT, and takes under a second.
using System.Diagnostics;
using Onnxc.Evaluation;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;
using Onnxc.Passes.Pipelines;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Pipelines;

public sealed class O2SharedModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new()
    {
        "mnist-8.onnx",
        "squeezenet1.1-caffe2-fp32.onnx",
        "squeezenet1.1-caffe2-fp16.onnx",
        "cifar10-resnet20-akamaster.onnx",
        "cifar10-resnet32-akamaster.onnx",
    };

    [SharedTheory]
    [MemberData(nameof(Models))]
    public void OptimizedModelVerifiesAndMatchesOrt(string file)
    {
        string path = SharedData.Model(file);
        Model model = OnnxImporter.Load(path);
        int before = model.Graph.Nodes.Count;
        string histogramBefore = Histogram(model);
        PassRunReport report = PassPipelines.Build(OptLevel.O2, PassOptions.Default).Run(model, new PassContext());
        Verifier.Verify(model);
        output.WriteLine($"{file}: {before} -> {model.Graph.Nodes.Count} nodes in {report.Elapsed.TotalMilliseconds:F0} ms");
        output.WriteLine($"  before: {histogramBefore}");
        output.WriteLine($"  after:  {Histogram(model)}");

        using var dir = new TempDir("onnxc-o2");
        string optimized = dir.File("o2.onnx");
        OnnxExporter.Save(model, optimized);
        using var original = new OrtRunner(path);
        using var rewritten = new OrtRunner(optimized);
        for (int seed = 0; seed < 3; seed++)
        {
            IReadOnlyList<OrtTensor> inputs = RandomInputs(model, seed);
            float[] a = original.Run(inputs)[0].ToFloats();
            float[] b = rewritten.Run(inputs)[0].ToFloats();
            AssertClose(a, b, 1e-4);
            Assert.Equal(Metrics.ArgMax(a), Metrics.ArgMax(b));
        }
    }

    [SharedTheory]
    [MemberData(nameof(Models))]
    public void O2TakesUnderASecond(string file)
    {
        string path = SharedData.Model(file);
        PassPipelines.Build(OptLevel.O2, PassOptions.Default).Run(OnnxImporter.Load(path), new PassContext()); // JIT warm-up
        Model model = OnnxImporter.Load(path);
        var watch = Stopwatch.StartNew();
        PassPipelines.Build(OptLevel.O2, PassOptions.Default).Run(model, new PassContext());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"-O2 took {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [SharedTheory]
    [InlineData("cifar10-resnet20-akamaster.onnx")]
    [InlineData("cifar10-resnet32-akamaster.onnx")]
    public void ResNetLosesItsShapeArithmetic(string file)
    {
        Model model = OnnxImporter.Load(SharedData.Model(file));
        PassPipelines.Build(OptLevel.O2, PassOptions.Default).Run(model, new PassContext());
        string[] allowed = ["Conv", "Relu", "Add", "AveragePool", "GlobalAveragePool", "MaxPool", "Gemm", "Slice", "Pad", "Reshape", "Flatten"];
        Assert.All(model.Graph.Nodes, n => Assert.Contains(n.OpType, allowed));

        // The option-A shortcut's Slice and Pad read only the activation and constants now.
        Assert.All(model.Graph.Nodes.Where(n => n.OpType is "Slice" or "Pad" or "Reshape"), n =>
            Assert.All(n.Inputs.Skip(1).Where(i => i is not null), i => Assert.True(i!.IsConstant, $"{n.Describe()} reads {i} at run time")));
    }

    private static string Histogram(Model m) =>
        string.Join(", ", m.Graph.Nodes.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}x{g.Count()}"));

    private static IReadOnlyList<OrtTensor> RandomInputs(Model model, int seed)
    {
        var rng = new Random(seed);
        var inputs = new List<OrtTensor>();
        foreach (Value input in model.Graph.Inputs.Where(v => !v.IsInitializer))
        {
            long[] dims = [.. input.Shape!.Dims.Select(d => d.Value ?? 1)];
            float[] values = TestGraphs.RandomFloats(rng, (int)TensorData.CountElements(dims));
            inputs.Add(input.ElementType == ElementType.Float16
                ? OrtTensor.FromHalves(dims, [.. values.Select(v => (Half)(v * 50))])
                : OrtTensor.FromFloats(dims, values));
        }

        return inputs;
    }

    /// <summary>Each element within <paramref name="rtol"/> of the larger magnitude, plus rtol/10 of the output's largest magnitude.</summary>
    private static void AssertClose(float[] a, float[] b, double rtol)
    {
        Assert.Equal(a.Length, b.Length);
        double scale = a.Max(v => Math.Abs((double)v));
        for (int i = 0; i < a.Length; i++)
        {
            double tol = (rtol * Math.Max(Math.Abs(a[i]), Math.Abs(b[i]))) + (rtol / 10 * scale);
            Assert.True(Math.Abs(a[i] - b[i]) <= tol, $"element {i}: {a[i]} vs {b[i]}");
        }
    }
}
