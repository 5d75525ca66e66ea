// Times onnxc's optimized model against the original under ONNX Runtime's optimization levels, interleaved.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Onnxc.Benchmarks;

/// <summary>
/// `ort-compare ORIGINAL OPTIMIZED [--batch B] [--rounds N]`: opens four sessions - the original with ORT's basic
/// (standard-op) level and with all optimizations, onnxc's output with ORT's optimizer off and with all of it on -
/// and runs them in rotating order, round after round, on the same random input, so machine noise hits all four
/// alike. Prints the median of each and three ratios (higher is better for onnxc):
/// (a) original+basic / ours+off: onnxc does in the file what ORT's basic level does in memory (target >= 1.0);
/// (b) original+all / ours+all: onnxc never makes ORT slower (target >= 1.0);
/// (c) original+all / ours+off: the anchor - ORT's layout and fused-kernel stages go beyond standard ops.
/// Sessions use one intra-op thread, so the numbers compare kernels rather than thread scheduling.
/// </summary>
internal static class OrtOptimizationComparison
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: ort-compare ORIGINAL.onnx OPTIMIZED.onnx [--batch B] [--rounds N]");
            return 1;
        }

        int batch = Option(args, "--batch", 8);
        int rounds = Option(args, "--rounds", 40);
        (string Label, string Path, GraphOptimizationLevel Level)[] variants =
        [
            ("original, ORT basic", args[0], GraphOptimizationLevel.ORT_ENABLE_BASIC),
            ("original, ORT all", args[0], GraphOptimizationLevel.ORT_ENABLE_ALL),
            ("onnxc, ORT off", args[1], GraphOptimizationLevel.ORT_DISABLE_ALL),
            ("onnxc, ORT all", args[1], GraphOptimizationLevel.ORT_ENABLE_ALL),
        ];

        var sessions = variants.Select(v => Open(v.Path, v.Level)).ToArray();
        try
        {
            var inputs = sessions.Select(s => MakeInputs(s, batch)).ToArray();
            var times = variants.Select(_ => new List<double>()).ToArray();
            for (int i = 0; i < variants.Length; i++)
            {
                for (int w = 0; w < 3; w++)
                {
                    sessions[i].Run(inputs[i]).Dispose();
                }
            }

            var clock = new Stopwatch();
            for (int r = 0; r < rounds; r++)
            {
                for (int k = 0; k < variants.Length; k++)
                {
                    int i = (k + r) % variants.Length;
                    clock.Restart();
                    sessions[i].Run(inputs[i]).Dispose();
                    times[i].Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            double[] medians = [.. times.Select(Median)];
            string effectiveBatch = string.Join(", ", sessions[0].InputMetadata.Select(m => string.Join("x", m.Value.Dimensions.Select(d => d > 0 ? d : batch))));
            Console.WriteLine(FormattableString.Invariant($"# {Path.GetFileName(args[0])}: input {effectiveBatch}, {rounds} interleaved rounds, median ms"));
            for (int i = 0; i < variants.Length; i++)
            {
                Console.WriteLine(FormattableString.Invariant($"  {variants[i].Label,-22} {medians[i],9:F3}"));
            }

            Console.WriteLine(FormattableString.Invariant($"  (a) original+basic / onnxc+off = {medians[0] / medians[2]:F3}"));
            Console.WriteLine(FormattableString.Invariant($"  (b) original+all   / onnxc+all = {medians[1] / medians[3]:F3}"));
            Console.WriteLine(FormattableString.Invariant($"  (c) original+all   / onnxc+off = {medians[1] / medians[2]:F3}"));
            return 0;
        }
        finally
        {
            foreach (InferenceSession s in sessions)
            {
                s.Dispose();
            }
        }
    }

    private static InferenceSession Open(string path, GraphOptimizationLevel level)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new InferenceSession(path, options);
    }

    /// <summary>Random inputs; a symbolic (batch) dimension takes <paramref name="batch"/>, fixed ones keep their size.</summary>
    private static List<NamedOnnxValue> MakeInputs(InferenceSession session, int batch)
    {
        var random = new Random(11);
        var inputs = new List<NamedOnnxValue>();
        foreach ((string name, NodeMetadata meta) in session.InputMetadata)
        {
            int[] dims = [.. meta.Dimensions.Select(d => d > 0 ? d : batch)];
            int count = dims.Aggregate(1, (a, b) => a * b);
            if (meta.ElementDataType == TensorElementType.Float16)
            {
                var t = new DenseTensor<Float16>(dims);
                for (int i = 0; i < count; i++)
                {
                    t.SetValue(i, (Float16)(float)random.NextDouble());
                }

                inputs.Add(NamedOnnxValue.CreateFromTensor(name, t));
            }
            else
            {
                var t = new DenseTensor<float>(dims);
                for (int i = 0; i < count; i++)
                {
                    t.SetValue(i, (float)random.NextDouble());
                }

                inputs.Add(NamedOnnxValue.CreateFromTensor(name, t));
            }
        }

        return inputs;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
