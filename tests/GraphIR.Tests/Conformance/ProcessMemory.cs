// Reads this process's resident memory and its peak, and resets the peak, from Linux /proc.
using System.Diagnostics;
using System.Globalization;

namespace Onnxc.GraphIR.Tests.Conformance;

/// <summary>
/// Peak resident memory of a section of a test. Linux lets a process reset its high-water mark (writing 5 to
/// /proc/self/clear_refs), so the peak of one step can be measured even after earlier tests used more. Elsewhere
/// the peak is the process's lifetime peak, an upper bound, and <see cref="CanResetPeak"/> says so.
/// </summary>
public static class ProcessMemory
{
    private const string ClearRefs = "/proc/self/clear_refs";

    public static bool CanResetPeak { get; private set; } = File.Exists(ClearRefs);

    /// <summary>Starts a new peak at the current resident size where the OS allows it.</summary>
    public static void ResetPeak()
    {
        if (!CanResetPeak)
        {
            return;
        }

        try
        {
            File.WriteAllText(ClearRefs, "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CanResetPeak = false;
        }
    }

    public static long ResidentBytes() => StatusKiB("VmRSS:") * 1024 ?? Process.GetCurrentProcess().WorkingSet64;

    public static long PeakResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        return StatusKiB("VmHWM:") * 1024 ?? process.PeakWorkingSet64;
    }

    private static long? StatusKiB(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return null;
        }

        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
