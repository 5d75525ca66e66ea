// Finds the shared real models (../shared/models beside the checkout, or $ONNXC_SHARED/models) for benchmarks.
namespace Onnxc.Benchmarks;

public static class SharedModels
{
    /// <summary>The models folder; throws with how to fix it when it is not there.</summary>
    public static string Folder { get; } = FindFolder();

    /// <summary>Every .onnx file of the shared models, by file name.</summary>
    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Folder, "*.onnx").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static string PathOf(string fileName) => Path.Combine(Folder, fileName);

    private static string FindFolder()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("ONNXC_SHARED");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Path.Combine(Path.GetFullPath(fromEnv), "models");
        }

        // The checkout root is the folder with compiler.sln; ../shared sits beside it.
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "compiler.sln")))
                {
                    string models = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models"));
                    if (Directory.Exists(models))
                    {
                        return models;
                    }
                }
            }
        }

        throw new DirectoryNotFoundException("no ../shared/models beside the checkout; set ONNXC_SHARED");
    }
}
