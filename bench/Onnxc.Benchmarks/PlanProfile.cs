// `plan-profile`: where the time of a compiled model's kernel plan goes, step by step, on CUDA or the CPU accelerator.
using System.Globalization;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Benchmarks;

/// <summary>
/// <c>plan-profile MODEL.onnx INPUT.npy [--runs N] [--top K] [--cpu]</c>: loads the plan that
/// <c>onnxc -O int8 --target GPU</c> embedded in MODEL, runs <see cref="PlanRuntime.Profile"/> N times (each
/// step launched and synchronized alone) and prints the median time of every step, grouped by kernel and the
/// K slowest steps. The per-step synchronization adds its own cost, so the sum is above what
/// <c>onnxc run --bench</c> measures end to end; this says which kernels to work on, not how fast the model is.
/// </summary>
internal static class PlanProfile
{
    public static int Run(string[] args)
    {
        if (args.Length < 2 || args[0].StartsWith('-') || args[1].StartsWith('-'))
        {
            Console.Error.WriteLine("usage: plan-profile MODEL.onnx INPUT.npy [--runs N] [--top K] [--cpu]");
            return 2;
        }

        int runs = Option(args, "--runs", 20);
        int top = Option(args, "--top", 15);
        bool cpu = args.Contains("--cpu");
        (int[] shape, float[] data) = NpyFloat32.Read(args[1]);
        using PlanRuntime runtime = PlanRuntime.Load(args[0], cpu ? RuntimeDevice.Cpu : RuntimeDevice.Auto);
        if (!shape.SequenceEqual(runtime.InputShape(0)))
        {
            Console.Error.WriteLine($"plan-profile: input [{string.Join(",", shape)}] is not the plan's [{string.Join(",", runtime.InputShape(0))}]");
            return 2;
        }

        Console.WriteLine($"# plan-profile {Path.GetFileName(args[0])} on {runtime.DeviceDescription}: {runtime.Plan.Steps.Count} steps, median of {runs} profiles");
        runtime.Run(data);
        var times = runtime.Plan.Steps.Select(_ => new List<double>(runs)).ToArray();
        for (int r = 0; r < runs; r++)
        {
            var profile = runtime.Profile(data);
            for (int i = 0; i < profile.Count; i++)
            {
                times[i].Add(profile[i].Time.TotalMilliseconds);
            }
        }

        double[] medians = [.. times.Select(Median)];
        double total = medians.Sum();
        Console.WriteLine(FormattableString.Invariant($"sum of step medians: {total:F3} ms (each step synchronized alone)"));
        Console.WriteLine($"{"kernel",-24} {"steps",5} {"ms",10} {"share",6}");
        foreach (var g in runtime.Plan.Steps.Select((s, i) => (s.Kernel, Ms: medians[i])).GroupBy(x => x.Kernel).OrderByDescending(g => g.Sum(x => x.Ms)))
        {
            double ms = g.Sum(x => x.Ms);
            Console.WriteLine(FormattableString.Invariant($"{g.Key,-24} {g.Count(),5} {ms,10:F3} {ms / total,6:P0}"));
        }

        Console.WriteLine($"slowest {Math.Min(top, medians.Length)} steps:");
        foreach (int i in Enumerable.Range(0, medians.Length).OrderByDescending(i => medians[i]).Take(top))
        {
            Console.WriteLine(FormattableString.Invariant($"  {medians[i],9:F4} ms  {Describe(runtime.Plan.Steps[i])}"));
        }

        return 0;
    }

    /// <summary>Kernel and source node; for a convolution also its implicit GEMM, as int8-gemm names it.</summary>
    private static string Describe(PlanStep step)
    {
        string text = $"{step.Kernel,-16} {step.Source}";
        if (step is ConvStep conv)
        {
            var g = conv.Packed.Geometry;
            text += FormattableString.Invariant($"  (GEMM {g.OutputPixels}x{g.OutChannelsPerGroup}x{g.ReductionLength}{(g.Groups > 1 ? $" x{g.Groups} groups" : string.Empty)})");
        }

        return text;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return fallback;
        }

        return at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new ArgumentException($"{name} needs a positive integer");
    }
}
