// The real models the verifier and shape inference are checked on: ../shared/models and Debian's ONNX test data.
using Onnxc.TestSupport;

namespace Onnxc.GraphIR.Tests.Verification;

internal static class RealModelCorpus
{
    public const string TestDataRoot = "/usr/share/libonnx-testdata/data";

    private static readonly string[] s_suites = ["node", "simple", "pytorch-converted", "pytorch-operator"];

    /// <summary>Every model.onnx of the ONNX test-data suites, sorted; empty when the package is not installed.</summary>
    public static IReadOnlyList<string> TestDataModels() =>
    [
        .. s_suites
            .Select(s => Path.Combine(TestDataRoot, s))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "model.onnx", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal),
    ];

    public static IReadOnlyList<string> SharedModels() =>
        SharedData.IsAvailable
            ? [.. Directory.EnumerateFiles(Path.Combine(SharedData.Root!, "models"), "*.onnx").Order(StringComparer.Ordinal)]
            : [];

    /// <summary>The path relative to the test-data root, for short failure messages.</summary>
    public static string Short(string path) =>
        path.StartsWith(TestDataRoot, StringComparison.Ordinal) ? path[(TestDataRoot.Length + 1)..] : Path.GetFileName(path);
}
