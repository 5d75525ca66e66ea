// A test that needs a headless Chromium: skipped, saying why, where none is installed, except in CI.
namespace Onnxc.TestSupport;

/// <summary>
/// Runs when Debian's <c>chromium</c> (or <see cref="Chromium.Path"/> from ONNXC_CHROMIUM) is there. Without it
/// the test is skipped with the install command; CI installs it (.ci/run) and sets ONNXC_REQUIRE_CHROMIUM=1, so
/// there a missing browser fails the test instead of skipping it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null && Environment.GetEnvironmentVariable("ONNXC_REQUIRE_CHROMIUM") != "1")
        {
            Skip = "needs a headless Chromium: apt-get install chromium (or set ONNXC_CHROMIUM to its path)";
        }
    }
}

/// <summary>Where the browser is.</summary>
public static class Chromium
{
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("ONNXC_CHROMIUM") is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : null;
        }

        string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator);
        return folders.SelectMany(f => new[] { "chromium", "chromium-browser", "google-chrome" }.Select(n => System.IO.Path.Combine(f, n)))
            .FirstOrDefault(File.Exists);
    }
}
