// Refactoring guard: every level's output on the shared models and the shipped model is the same file, byte for byte, as recorded.
using System.Security.Cryptography;
using Onnxc.Compilation;
using Onnxc.Passes.Quantization;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests.Compilation;

/// <summary>
/// Compiles each model at -O 0, 1, 2 and int8 (QDQ and QOperator for the CPU, and lowered for rtx2050) through
/// <see cref="OnnxCompiler"/> and compares the SHA-256 of the file written with the one recorded in
/// <c>GoldenOutputs.txt</c>. Moving code between passes, projects or builders must not change a byte of what users
/// get. Calibration runs ONNX Runtime on the CPU; its results are the same run after run on one machine (checked
/// before recording), so a changed hash means a changed compiler. When a change of output is intended, the failure
/// prints the new line for the file, and the commit says why the output changed.
/// </summary>
public sealed class GoldenOutputTests
{
    private const string CifarPreprocess = "scale=0.00392156862745098;mean=0.485,0.456,0.406;std=0.229,0.224,0.225";
    private const string ImagenetPreprocess = "channels=bgr;crop=224;mean=104,117,123";
    private const string MnistPreprocess = "scale=0.00392156862745098";

    private static readonly string s_goldenFile = Path.Combine(SharedData.RepoRoot, "tests", "Driver.Tests", "Compilation", "GoldenOutputs.txt");

    public static TheoryData<string> Cases() => [.. ReadGolden().Keys];

    [SharedTheory]
    [MemberData(nameof(Cases))]
    public void OutputIsTheRecordedFile(string name)
    {
        using var dir = new TempDir();
        CompileOptions options = OptionsFor(name, dir.File("out.onnx"));

        bool newTable = options.Int8?.CalibrationTablePath is { } table && !File.Exists(table);
        OnnxCompiler.Compile(options);

        Assert.False(newTable, $"no recorded calibration table for {name}: one was written to {options.Int8?.CalibrationTablePath}; commit it and run again");

        string actual = Convert.ToHexStringLower(SHA256.HashData(Recorded(name, options.OutputPath)));
        Assert.True(ReadGolden()[name] == actual, $"the output changed; if that is intended, record it in {s_goldenFile} as:\n{name} {actual}");
    }

    [Fact]
    public void EveryModelAndLevelHasARecord()
    {
        string[] expected =
        [
            .. new[] { "mnist-8", "cifar10-resnet20-akamaster", "cifar10-resnet32-akamaster", "squeezenet1.1-caffe2-fp32", "squeezenet1.1-caffe2-fp16", "shapes-cnn" }
                .SelectMany(m => new[] { "O0", "O1", "O2", "int8", "int8-qoperator", "int8-rtx2050" }.Select(l => $"{m}/{l}"))
                // Lowered plans take float32 inputs; onnxc refuses a float16 one (exit 2).
                .Where(c => c != "squeezenet1.1-caffe2-fp16/int8-rtx2050"),
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), ReadGolden().Keys.Order(StringComparer.Ordinal));
    }

    private static CompileOptions OptionsFor(string name, string output)
    {
        string[] parts = name.Split('/');
        (string model, string data, string preprocess) = parts[0] switch
        {
            "mnist-8" => (SharedData.Model("mnist-8.onnx"), SharedData.Data("mnist", "images.npy"), MnistPreprocess),
            "shapes-cnn" => (ShippedModel.Model, ShippedModel.Calibration, ShippedModel.Preprocess),
            string m when m.StartsWith("cifar10-", StringComparison.Ordinal) => (SharedData.Model(m + ".onnx"), SharedData.Data("cifar10", "images.npy"), CifarPreprocess),
            string m => (SharedData.Model(m + ".onnx"), SharedData.Data("imagenet_sample1000_r256"), ImagenetPreprocess),
        };
        // The ranges come from a recorded table: calibrating runs the float model in ONNX Runtime, whose float sums
        // differ in their last bits between CPUs (AVX2 here, AVX-512 elsewhere), and so would the scales and the bytes.
        var int8 = new Int8Settings { CalibrationPath = data, Preprocess = preprocess, NoSpeedCheck = true, CalibrationTablePath = SharedData.RecordedCalibration(parts[0]) };
        return parts[1] switch
        {
            "O0" => new CompileOptions { ModelPath = model, OutputPath = output, Level = OptimizationLevel.O0 },
            "O1" => new CompileOptions { ModelPath = model, OutputPath = output, Level = OptimizationLevel.O1 },
            "O2" => new CompileOptions { ModelPath = model, OutputPath = output, Level = OptimizationLevel.O2 },
            "int8" => new CompileOptions { ModelPath = model, OutputPath = output, Level = OptimizationLevel.Int8, Int8 = int8 },
            "int8-qoperator" => new CompileOptions { ModelPath = model, OutputPath = output, Level = OptimizationLevel.Int8, Int8 = int8 with { Format = QuantFormat.QOperator } },
            "int8-rtx2050" => new CompileOptions { ModelPath = model, OutputPath = output, Level = OptimizationLevel.Int8, Int8 = int8 with { Target = "rtx2050" } },
            string level => throw new ArgumentException($"unknown level '{level}' in {s_goldenFile}"),
        };
    }

    /// <summary>
    /// The bytes recorded: the whole file, but for a GPU target without its PTX entries. ILGPU compiles the kernels'
    /// IL, which differs between Debug and Release builds of Onnxc.Kernels, so the PTX text does too; the graph and
    /// the kernel plan do not. The PTX is checked by the Kernels PTX tests (instructions, determinism).
    /// </summary>
    private static byte[] Recorded(string name, string path)
    {
        if (!name.EndsWith("-rtx2050", StringComparison.Ordinal))
        {
            return File.ReadAllBytes(path);
        }

        GraphIR.Model model = GraphIR.Onnx.OnnxImporter.Load(path);
        model.Metadata = [.. model.Metadata.Where(kv => !kv.Key.StartsWith("onnxc.ptx.", StringComparison.Ordinal))];
        return Google.Protobuf.MessageExtensions.ToByteArray(GraphIR.Onnx.OnnxExporter.ToProto(model));
    }

    /// <summary>Lines "model/level sha256"; '#' starts a comment.</summary>
    private static Dictionary<string, string> ReadGolden() =>
        File.ReadLines(s_goldenFile)
            .Select(l => l.Split('#')[0].Trim())
            .Where(l => l.Length > 0)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
