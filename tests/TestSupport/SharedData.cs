// Locates ../shared (real models and data) beside the checkout, so tests that need it can run or skip clearly.
namespace Onnxc.TestSupport;

/// <summary>
/// Paths into the shared models and data folder. CI always has it beside the checkout (and .ci/run fails when it
/// is absent); a user's clone may not, and tests that need it then skip with <see cref="MissingReason"/>.
/// The environment variable ONNXC_SHARED overrides the location.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> s_root = new(FindRoot);

    /// <summary>The shared folder, or null when it is not there.</summary>
    public static string? Root => s_root.Value;

    public static bool IsAvailable => Root is not null;

    public const string MissingReason =
        "../shared (real models and data) is not beside this checkout; set ONNXC_SHARED to run this test";

    /// <summary>The repository root: the folder that holds compiler.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Model(string fileName) => Path.Combine(RequireRoot(), "models", fileName);

    public static string Data(params string[] parts) =>
        Path.Combine([RequireRoot(), "data", .. parts]);

    /// <summary>
    /// The calibration ranges recorded for a shared model (tests/TestSupport/Calibration/MODEL.json, for
    /// --calibration-table). Calibrating runs the float model in ONNX Runtime, whose float sums differ in their last
    /// bits between CPUs; tests that pin a compiled INT8 model's bytes or its agreement with ORT read these instead.
    /// </summary>
    public static string RecordedCalibration(string model) => Path.Combine(RepoRoot, "tests", "TestSupport", "Calibration", model + ".json");

    private static string RequireRoot() =>
        Root ?? throw new InvalidOperationException(MissingReason);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "compiler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find compiler.sln above " + AppContext.BaseDirectory);
    }

    private static string? FindRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("ONNXC_SHARED");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        }

        string candidate = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
        return Directory.Exists(Path.Combine(candidate, "models")) ? candidate : null;
    }
}
