// Locates Debian's libonnx-testdata (the ONNX backend test suite) and lists its test folders.
namespace Onnxc.GraphIR.Tests.Conformance;

/// <summary>
/// The ONNX 1.12 backend test data as Debian installs it. <c>real/</c> is left out: it holds only download
/// links. ONNXC_ONNX_TESTDATA overrides the location.
/// </summary>
public static class OnnxBackendSuite
{
    public const string DefaultRoot = "/usr/share/libonnx-testdata/data";

    public static readonly IReadOnlyList<string> Suites = ["node", "simple", "pytorch-converted", "pytorch-operator"];

    public static string Root { get; } =
        Environment.GetEnvironmentVariable("ONNXC_ONNX_TESTDATA") is { Length: > 0 } fromEnv ? fromEnv : DefaultRoot;

    public static bool IsAvailable => Directory.Exists(Path.Combine(Root, "node"));

    public static string MissingReason =>
        $"the ONNX backend test data is not at {Root} (apt-get install libonnx-testdata, or set ONNXC_ONNX_TESTDATA)";

    /// <summary>Every test folder that has a model.onnx, suite by suite, in name order.</summary>
    public static IReadOnlyList<ConformanceCase> Cases() =>
        [.. Suites
            .Where(s => Directory.Exists(Path.Combine(Root, s)))
            .SelectMany(s => Directory.EnumerateDirectories(Path.Combine(Root, s))
                .Order(StringComparer.Ordinal)
                .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
                .Select(d => new ConformanceCase(s, Path.GetFileName(d), Path.Combine(d, "model.onnx"))))];
}
