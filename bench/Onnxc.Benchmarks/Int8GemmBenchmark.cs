// `int8-gemm`: TOPS of onnxc's INT8 convolution kernels run as GEMMs, per algorithm, on CUDA or the CPU accelerator.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Onnxc.Benchmarks.Gemm;
using Onnxc.Kernels;
using Onnxc.Kernels.Conv;

namespace Onnxc.Benchmarks;

/// <summary>
/// <c>int8-gemm [--shapes all|square|resnet32|squeezenet[,...]] [--iterations N] [--warmup N] [--device auto|cpu|cuda]
/// [--square S] [--force] [--max-cpu-gmacs G] [--list] [--json FILE]</c>.
/// <para>
/// Shapes: the square M = N = K = S (default 4096) and the implicit GEMM of every Conv/Gemm of resnet32 at batch 64
/// and squeezenet at batch 1, derived from the shared models by <see cref="ModelGemmShapes"/> and deduplicated.
/// Each runs through <see cref="Int8KernelLibrary.Conv2D"/> as a 1 x 1 convolution (how the lowering runs a Gemm).
/// On CUDA every algorithm the GPU runs natively is timed (TensorCore, Dp4a, Portable) with CUDA events around
/// each launch; on the CPU accelerator only Direct, timed with a wall clock around launch + synchronize, and by
/// default only shapes of at most --max-cpu-gmacs (the CPU accelerator simulates GPU threads and is slow).
/// TOPS = 2 * M * N * K / median time.
/// </para>
/// <para>
/// Nothing wrong is timed: before any timing each algorithm must match <see cref="Kernels.Reference.ConvReference"/>
/// bit for bit on a small GEMM with ragged sizes; an algorithm that fails is reported and skipped. After timing
/// each shape, sampled output rows are checked against the reference again. Exit code 1 when any check failed.
/// </para>
/// </summary>
internal static class Int8GemmBenchmark
{
    private const int ResNetBatch = 64;
    private const int SqueezeNetBatch = 1;
    private const string ResNetModel = "cifar10-resnet32-akamaster.onnx";
    private const string SqueezeNetModel = "squeezenet1.1-caffe2-fp32.onnx";
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        GemmBenchmarkOptions options;
        try
        {
            options = GemmBenchmarkOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("int8-gemm: " + e.Message);
            Console.Error.WriteLine(GemmBenchmarkOptions.Usage);
            return 2;
        }

        IReadOnlyList<GemmShape> shapes;
        try
        {
            shapes = Shapes(options);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or Onnxc.GraphIR.InvalidModelException)
        {
            Console.Error.WriteLine("int8-gemm: cannot derive the layer shapes: " + e.Message);
            return 2;
        }

        if (options.ListOnly)
        {
            foreach (var s in shapes)
            {
                Console.WriteLine(FormattableString.Invariant($"{s.Size,-20} {s.Macs / 1e9,10:F3} GMAC  {string.Join("; ", s.Layers)}"));
            }

            Console.WriteLine($"{shapes.Count} distinct shapes");
            return 0;
        }

        // Profiling lets CUDA events time the kernel alone, as torch's benchmark does. The devices and the
        // optimization level are those of KernelDevices.CreateContext, so the kernels compile as in onnxc run.
        using var context = Context.Create(b => b.CPU(Int8KernelLibrary.CpuDevice).Cuda().Optimize(OptimizationLevel.O1).Profiling());
        if (options.Device == "cuda" && context.GetCudaDevices().Count == 0)
        {
            Console.Error.WriteLine("int8-gemm: --device cuda, but ILGPU found no CUDA device (is the NVIDIA driver there?)");
            return 2;
        }

        using Accelerator accelerator = CreateAccelerator(context, options.Device);
        var library = new Int8KernelLibrary(accelerator);
        bool cuda = accelerator.AcceleratorType == AcceleratorType.Cuda;
        string device = cuda
            ? $"{accelerator.Name} ({((CudaAccelerator)accelerator).Architecture})"
            : $"ILGPU CPU accelerator ({Environment.ProcessorCount} host threads)";
        ConvAlgorithm[] algorithms = cuda
            ? [.. new[] { ConvAlgorithm.TensorCore, ConvAlgorithm.Dp4a, ConvAlgorithm.Portable }.Where(library.RunsNatively)]
            : [ConvAlgorithm.Direct];
        Console.WriteLine($"# int8-gemm on {device}; algorithms {string.Join(", ", algorithms)}; timer {(cuda ? "CUDA events" : "wall clock")}");

        var failures = new List<string>();
        var verified = new List<ConvAlgorithm>();
        foreach (var algorithm in algorithms)
        {
            string? problem = VerifySmall(library, algorithm);
            Console.WriteLine($"# check {algorithm} on 77x72x200 against the scalar reference: {problem ?? "bit-exact"}");
            if (problem is null)
            {
                verified.Add(algorithm);
            }
            else
            {
                failures.Add($"{algorithm}: {problem}");
            }
        }

        var results = new List<GemmResult>();
        Console.WriteLine($"{"M x N x K",-20} {"algorithm",-10} {"median ms",10} {"TOPS",8}  check  layers");
        foreach (var shape in shapes)
        {
            if (!cuda && !options.Force && shape.Macs > options.MaxCpuMacs)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"{shape.Size,-20} skipped on the CPU accelerator: {shape.Macs / 1e9:G3} GMAC > --max-cpu-gmacs {options.MaxCpuMacs / 1e9:G3} (--force runs it)"));
                continue;
            }

            var problem = new GemmProblem(shape.M, shape.N, shape.K, seed: shape.M ^ (shape.N << 8) ^ (shape.K << 16));
            foreach (var algorithm in verified)
            {
                var result = Time(library, problem, shape, algorithm, options, cuda, device);
                results.Add(result);
                if (result.CheckError is { } error)
                {
                    failures.Add($"{shape.Size} {algorithm}: {error}");
                }

                Console.WriteLine(FormattableString.Invariant(
                    $"{shape.Size,-20} {algorithm,-10} {result.MedianMs,10:F4} {result.Tops,8:G3}  {(result.CheckError is null ? "ok" : "FAIL")}   {Describe(shape.Layers)}"));
            }
        }

        if (options.JsonPath is { } json)
        {
            WriteJson(json, device, cuda, options, results, failures);
            Console.WriteLine($"# wrote {json}");
        }

        foreach (var f in failures)
        {
            Console.WriteLine("# FAILED " + f);
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static IReadOnlyList<GemmShape> Shapes(GemmBenchmarkOptions options)
    {
        var shapes = new List<GemmShape>();
        foreach (string set in options.ShapeSets)
        {
            switch (set)
            {
                case "square":
                    shapes.Add(new GemmShape(options.Square, options.Square, options.Square, ["square"]));
                    break;
                case "resnet32":
                    shapes.AddRange(ModelGemmShapes.FromModel(SharedModels.PathOf(ResNetModel), $"resnet32 b{ResNetBatch}", ResNetBatch));
                    break;
                case "squeezenet":
                    shapes.AddRange(ModelGemmShapes.FromModel(SharedModels.PathOf(SqueezeNetModel), $"squeezenet b{SqueezeNetBatch}", SqueezeNetBatch));
                    break;
                default:
                    throw new InvalidOperationException(set);
            }
        }

        return GemmShape.Dedupe(shapes);
    }

    private static Accelerator CreateAccelerator(Context context, string device)
    {
        var cudaDevices = context.GetCudaDevices();
        return device != "cpu" && cudaDevices.Count > 0
            ? cudaDevices[0].CreateAccelerator(context)
            : context.GetCPUDevice(0).CreateAccelerator(context);
    }

    /// <summary>A ragged GEMM (no size a multiple of a tile), checked in full.</summary>
    private static string? VerifySmall(Int8KernelLibrary library, ConvAlgorithm algorithm)
    {
        var problem = new GemmProblem(77, 72, 200, seed: 5);
        byte[] output = RunOnce(library, problem, algorithm);
        return problem.Check(output, [.. Enumerable.Range(0, problem.Geometry.Batch)]);
    }

    private static byte[] RunOnce(Int8KernelLibrary library, GemmProblem problem, ConvAlgorithm algorithm)
    {
        var accelerator = library.Accelerator;
        using var conv = library.Upload(problem.Packed);
        using var input = accelerator.Allocate1D(problem.Input);
        using var output = accelerator.Allocate1D<byte>(problem.Geometry.OutputElements);
        library.Conv2D(conv, input.View, output.View, algorithm);
        accelerator.Synchronize();
        return output.GetAsArray1D();
    }

    private static GemmResult Time(
        Int8KernelLibrary library, GemmProblem problem, GemmShape shape, ConvAlgorithm algorithm, GemmBenchmarkOptions options, bool cuda, string device)
    {
        var accelerator = library.Accelerator;
        using var conv = library.Upload(problem.Packed);
        using var input = accelerator.Allocate1D(problem.Input);
        using var output = accelerator.Allocate1D<byte>(problem.Geometry.OutputElements);
        int iterations = options.Iterations ?? (cuda ? 100 : 3);
        int warmup = options.Warmup ?? (cuda ? 10 : 1);
        for (int i = 0; i < warmup; i++)
        {
            library.Conv2D(conv, input.View, output.View, algorithm);
        }

        accelerator.Synchronize();
        var kernelMs = new List<double>(iterations);
        var wallMs = new List<double>(iterations);
        var clock = new Stopwatch();
        for (int i = 0; i < iterations; i++)
        {
            clock.Restart();
            if (cuda)
            {
                using var start = accelerator.DefaultStream.AddProfilingMarker();
                library.Conv2D(conv, input.View, output.View, algorithm);
                using var end = accelerator.DefaultStream.AddProfilingMarker();
                accelerator.Synchronize();
                kernelMs.Add(end.MeasureFrom(start).TotalMilliseconds);
            }
            else
            {
                library.Conv2D(conv, input.View, output.View, algorithm);
                accelerator.Synchronize();
            }

            wallMs.Add(clock.Elapsed.TotalMilliseconds);
        }

        double median = Median(cuda ? kernelMs : wallMs);
        string? check = problem.Check(output.GetAsArray1D(), GemmProblem.SampleRows(shape.M, 8));
        if (!(median > 0))
        {
            // CUDA events that read backwards or zero would turn into nonsense TOPS; never report those.
            check ??= FormattableString.Invariant($"the timer measured {median} ms");
        }

        return new GemmResult(shape, algorithm, device, cuda ? "cuda-events" : "wall", iterations, median, Median(wallMs),
            2.0 * shape.Macs / (median * 1e-3) / 1e12, check);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Describe(IReadOnlyList<string> layers) =>
        layers.Count == 1 ? layers[0] : $"{layers[0]} and {layers.Count - 1} more";

    private static void WriteJson(string path, string device, bool cuda, GemmBenchmarkOptions options, List<GemmResult> results, List<string> failures)
    {
        var document = new
        {
            device,
            accelerator = cuda ? "cuda" : "cpu",
            shape_sets = options.ShapeSets,
            results = results.Select(r => new
            {
                m = r.Shape.M,
                n = r.Shape.N,
                k = r.Shape.K,
                layers = r.Shape.Layers,
                algorithm = r.Algorithm.ToString(),
                device = r.Device,
                timer = r.Timer,
                iterations = r.Iterations,
                median_ms = r.MedianMs,
                wall_median_ms = r.WallMedianMs,
                tops = r.Tops,
                verified = r.CheckError is null,
                check_error = r.CheckError,
            }),
            failures,
        };
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(document, s_json) + "\n");
    }
}
