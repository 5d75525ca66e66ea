// Upgrades every model of ONNX's backend suite (and the shared models) to opset 21 and checks ORT still agrees.
using Microsoft.ML.OnnxRuntime;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Opset;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Opset;

public sealed class OpsetUpgradeSuiteTests(ITestOutputHelper output)
{
    private const string SuiteRoot = "/usr/share/libonnx-testdata/data";

    /// <summary>Upgrades that are refused on purpose, each for a stated reason.</summary>
    private static readonly Dictionary<string, string> s_expectedRefusals = new(StringComparer.Ordinal)
    {
        ["test_scan_sum"] = "Scan-8's batch axis has no translation to Scan-9",
    };

    [Fact]
    public void Every_suite_model_ORT_runs_still_gives_the_same_outputs_at_opset_21()
    {
        Assert.True(Directory.Exists(SuiteRoot), "Debian's libonnx-testdata is not installed (.ci/run installs it)");
        using var dir = new TempDir();
        int same = 0;
        int notRunnable = 0;
        var failures = new List<string>();
        var refusals = new List<string>();
        foreach (string modelPath in Directory.EnumerateFiles(SuiteRoot, "model.onnx", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(Path.GetDirectoryName(modelPath)!);
            Model model = OnnxImporter.Load(modelPath);
            if ((model.OpsetVersion("") ?? OperatorHistory.MaxOpset) >= OperatorHistory.MaxOpset)
            {
                continue;
            }

            IReadOnlyList<OrtTestDataSet> sets = OrtTestDataSet.ForModel(modelPath);
            OrtTestDataSet? data = sets.Count > 0 ? sets[0] : null;
            IReadOnlyList<OrtTensor>? before = data is null ? null : TryRun(modelPath, data);
            if (before is null)
            {
                notRunnable++;
                continue;
            }

            try
            {
                OpsetUpgrader.Upgrade(model, OperatorHistory.MaxOpset);
            }
            catch (InvalidModelException e)
            {
                refusals.Add(name);
                if (!s_expectedRefusals.ContainsKey(name))
                {
                    failures.Add($"{name}: refused: {e.Message}");
                }

                continue;
            }

            string upgraded = dir.File(name + ".onnx");
            OnnxExporter.Save(model, upgraded);
            IReadOnlyList<OrtTensor>? after = TryRun(upgraded, data!);
            string? difference = after is null ? "ORT cannot run the upgraded model: " + s_lastError : Compare(before, after);
            if (difference is null)
            {
                same++;
            }
            else
            {
                failures.Add($"{name}: {difference}");
            }
        }

        output.WriteLine($"opset upgrade to {OperatorHistory.MaxOpset}: {same} same outputs, {failures.Count} failures, {refusals.Count} refused ({string.Join(", ", refusals)}), {notRunnable} not runnable by ORT before upgrading");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(same > 800, $"only {same} suite models were compared");
        Assert.Equal(s_expectedRefusals.Keys.Order(), refusals.Order());
    }

    [SharedTheory]
    [InlineData("mnist-8.onnx")]
    [InlineData("squeezenet1.1-caffe2-fp32.onnx")]
    [InlineData("cifar10-resnet20-akamaster.onnx")]
    public void Shared_models_upgrade_to_opset_21_with_the_same_outputs(string file)
    {
        string path = SharedData.Model(file);
        using var dir = new TempDir();
        Model model = OnnxImporter.Load(path);
        OpsetUpgradeResult result = OpsetUpgrader.Upgrade(model, 21);
        string upgraded = dir.File("up.onnx");
        OnnxExporter.Save(model, upgraded);

        using var original = new OrtRunner(path, GraphOptimizationLevel.ORT_DISABLE_ALL);
        using var next = new OrtRunner(upgraded, GraphOptimizationLevel.ORT_DISABLE_ALL);
        var random = new Random(7);
        long[] shape = file.StartsWith("mnist", StringComparison.Ordinal) ? [1, 1, 28, 28] : file.StartsWith("squeeze", StringComparison.Ordinal) ? [1, 3, 224, 224] : [2, 3, 32, 32];
        float[] values = [.. Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)random.NextDouble())];
        OrtTensor input = OrtTensor.FromFloats(shape, values);

        Assert.Equal(21, model.OpsetVersion(""));
        Assert.True(result.From < 21);
        Assert.Null(Compare(original.Run([input]), next.Run([input])));
    }

    private static string s_lastError = string.Empty;

    private static IReadOnlyList<OrtTensor>? TryRun(string modelPath, OrtTestDataSet data)
    {
        try
        {
            using var runner = new OrtRunner(modelPath, GraphOptimizationLevel.ORT_DISABLE_ALL);
            return runner.NonTensorReason is null ? runner.Run(data.InputsFor(runner)) : null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or OrtUnsupportedValueException or InvalidDataException)
        {
            s_lastError = e.Message.Split('\n')[0];
            return null;
        }
    }

    /// <summary>Null when the outputs agree: floats within 1e-4 relative (kernels may differ by version), the rest exactly.</summary>
    private static string? Compare(IReadOnlyList<OrtTensor> before, IReadOnlyList<OrtTensor> after)
    {
        if (before.Count != after.Count)
        {
            return $"{before.Count} outputs before, {after.Count} after";
        }

        for (int i = 0; i < before.Count; i++)
        {
            OrtTensor a = before[i];
            OrtTensor b = after[i];
            if (a.ElementType != b.ElementType || !a.Shape.SequenceEqual(b.Shape))
            {
                return $"output {i}: {a} before, {b} after";
            }

            if (a.ElementType is ElementType.Float or ElementType.Float16 or ElementType.Double)
            {
                double[] x = a.ToTensorData().ToDoubles();
                double[] y = b.ToTensorData().ToDoubles();
                for (int k = 0; k < x.Length; k++)
                {
                    bool same = x[k].Equals(y[k]); // NaN equals NaN, infinities equal themselves
                    if (!same && !(Math.Abs(x[k] - y[k]) <= 1e-5 + 1e-4 * Math.Abs(x[k])))
                    {
                        return $"output {i} element {k}: {x[k]} before, {y[k]} after";
                    }
                }
            }
            else if (a.DescribeDifference(b) is { } d)
            {
                return $"output {i}: {d}";
            }
        }

        return null;
    }
}
