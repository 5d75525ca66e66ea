// Command-line options of the int8-gemm benchmark.
using System.Globalization;

namespace Onnxc.Benchmarks.Gemm;

/// <summary>Parsed <c>int8-gemm</c> options; <see cref="Parse"/> throws <see cref="ArgumentException"/> on bad input.</summary>
public sealed record GemmBenchmarkOptions
{
    public const string Usage =
        "usage: int8-gemm [--shapes all|square|resnet32|squeezenet[,...]] [--iterations N] [--warmup N] " +
        "[--device auto|cpu|cuda] [--square S] [--force] [--max-cpu-gmacs G] [--list] [--json FILE]";

    private static readonly string[] s_allSets = ["square", "resnet32", "squeezenet"];

    public IReadOnlyList<string> ShapeSets { get; init; } = s_allSets;

    /// <summary>Timed launches per (shape, algorithm); null: 100 on CUDA, 3 on the CPU.</summary>
    public int? Iterations { get; init; }

    /// <summary>Untimed launches first (the first compiles the kernel); null: 10 on CUDA, 1 on the CPU.</summary>
    public int? Warmup { get; init; }

    /// <summary>auto (CUDA when present), cpu or cuda (fail without a GPU).</summary>
    public string Device { get; init; } = "auto";

    /// <summary>M = N = K of the square shape.</summary>
    public int Square { get; init; } = 4096;

    /// <summary>Run shapes over <see cref="MaxCpuMacs"/> on the CPU accelerator too.</summary>
    public bool Force { get; init; }

    /// <summary>Largest M * N * K the CPU accelerator runs without --force (default 0.25 G: seconds per launch).</summary>
    public long MaxCpuMacs { get; init; } = 250_000_000;

    /// <summary>Print the shapes and where they come from, time nothing.</summary>
    public bool ListOnly { get; init; }

    public string? JsonPath { get; init; }

    public static GemmBenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var o = new GemmBenchmarkOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            switch (name)
            {
                case "--force":
                    o = o with { Force = true };
                    continue;
                case "--list":
                    o = o with { ListOnly = true };
                    continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            string value = args[++i];
            o = name switch
            {
                "--shapes" => o with { ShapeSets = ParseSets(value) },
                "--iterations" => o with { Iterations = Positive(name, value) },
                "--warmup" => o with { Warmup = NonNegative(name, value) },
                "--device" => value is "auto" or "cpu" or "cuda" ? o with { Device = value } : throw new ArgumentException($"--device must be auto, cpu or cuda, not '{value}'"),
                "--square" => o with { Square = Positive(name, value) },
                "--max-cpu-gmacs" => o with { MaxCpuMacs = (long)(PositiveDouble(name, value) * 1e9) },
                "--json" => o with { JsonPath = value },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
        }

        return o;
    }

    private static string[] ParseSets(string value)
    {
        var sets = new List<string>();
        foreach (string part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "all")
            {
                sets.AddRange(s_allSets);
            }
            else if (s_allSets.Contains(part))
            {
                sets.Add(part);
            }
            else
            {
                throw new ArgumentException($"--shapes: unknown set '{part}' (all, square, resnet32, squeezenet)");
            }
        }

        return sets.Count > 0 ? [.. sets.Distinct()] : throw new ArgumentException("--shapes is empty");
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new ArgumentException($"{name} must be a positive integer, not '{value}'");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0
            ? v
            : throw new ArgumentException($"{name} must be a non-negative integer, not '{value}'");

    private static double PositiveDouble(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0
            ? v
            : throw new ArgumentException($"{name} must be a positive number, not '{value}'");
}
