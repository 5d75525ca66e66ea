// Stopping a training run from outside: SIGTERM to a real onnxc process, which must exit 130 and write nothing.
using System.Diagnostics;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class InterruptTests : IDisposable
{
    private readonly TempDir _dir = new("onnxc-interrupt");

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A long training run is interrupted once its first checkpoint exists: exit 130, the one-line message, no
    /// output file (not even a temporary one beside it), and the checkpoint still a complete, loadable model.
    /// SIGTERM is what kill, docker stop and systemd send; onnxc treats it as Ctrl-C's SIGINT (one handler for
    /// both, see Program). The test sends SIGTERM because a test runner may start its children with SIGINT
    /// ignored. POSIX signals: Linux and macOS, where this runs (CI is Linux).
    /// </summary>
    [Fact]
    public async Task SigtermStopsTrainingWithExit130AndKeepsTheLastCheckpoint()
    {
        Assert.True(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "this test sends SIGTERM, a POSIX signal");
        string models = Path.Combine(SharedData.RepoRoot, "models");
        string checkpoint = _dir.File("ckpt");
        string output = _dir.File("out.onnx");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        foreach (string a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "onnxc.dll"), "train", Path.Combine(models, "shapes-cnn.onnx"),
            "--data", Path.Combine(models, "shapes-test", "images.npy"), "--preprocess", "scale=0.00392156862745098",
            "--epochs", "100000", "--batch", "32", "--threads", "1", "--checkpoint", checkpoint, "-o", output,
        })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("ONNXC_DEBUG");
        using Process p = Process.Start(start)!;
        p.StandardInput.Close();
        try
        {
            await Interrupt(p, models, checkpoint, output);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task Interrupt(Process p, string models, string checkpoint, string output)
    {
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string saved = Path.Combine(checkpoint, "checkpoint.onnx");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(saved) && !p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(100);
        }

        if (p.HasExited)
        {
            Assert.Fail($"onnxc exited early ({p.ExitCode}): {await stderr}");
        }

        Assert.True(File.Exists(saved), "no checkpoint after 120 s");
        await Task.Delay(300);
        using (Process kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("onnxc did not stop within 60 s of SIGTERM");
        }

        string err = await stderr;
        Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}\n{await stdout}\n{err}");
        string[] errors = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(errors, l => l.StartsWith("onnxc: error: interrupted", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", err);
        Assert.False(File.Exists(output), "an interrupted run wrote its output");
        Assert.DoesNotContain(Directory.GetFiles(_dir.Path), f => Path.GetFileName(f).StartsWith("out", StringComparison.Ordinal));
        // The checkpoint is a node-free model of "current/NAME" and "best/NAME" tensors: every weight it keeps
        // (or its optimizer state, NAME.momentum) must be one of the trained model's, and it must keep some.
        var kept = OnnxImporter.Load(saved).Graph.Initializers.Select(v => v.Name).ToList();
        var weights = OnnxImporter.Load(Path.Combine(models, "shapes-cnn.onnx")).Graph.Initializers.Select(v => v.Name).ToHashSet();
        var best = kept.Where(n => n.StartsWith("best/", StringComparison.Ordinal)).Select(n => n["best/".Length..]).ToList();
        Assert.Contains(best, weights.Contains);
        Assert.All(best, n => Assert.True(weights.Contains(n) || weights.Any(w => n.StartsWith(w + ".", StringComparison.Ordinal)), n));
    }
}
