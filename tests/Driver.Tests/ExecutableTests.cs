// The real built onnxc, started as a process: exit codes and streams as a shell or CI sees them.
using System.Diagnostics;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class ExecutableTests
{
    [Fact]
    public void VersionAndHelpExit0()
    {
        CliResult version = Start("--version");
        CliResult help = Start("inspect", "--help");

        Assert.True(version.ExitCode == ExitCodes.Ok, version.ToString());
        Assert.StartsWith(typeof(Cli).Assembly.GetName().Version!.ToString(3), version.Stdout.Trim(), StringComparison.Ordinal);
        Assert.True(help.ExitCode == ExitCodes.Ok, help.ToString());
        Assert.Contains("onnxc inspect <MODEL>", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CompilesAValidModel()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        CliResult result = Start(input, "-O", "0", "-o", dir.File("out.onnx"));

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(string.Empty, result.Stderr);
        Assert.True(new FileInfo(dir.File("out.onnx")).Length > 0);
    }

    [Fact]
    public void BadModelIsExit2WithOneLine()
    {
        using var folders = new BadInputFolders();
        string input = BadInputCases.Named("undefined-input").Make(folders);

        CliResult result = Start(input, "-O", "0", "-o", folders.OutputPath);

        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"onnxc: error: {input}: ", line, StringComparison.Ordinal);
        Assert.False(File.Exists(folders.OutputPath));
    }

    [Fact]
    public void UsageErrorIsExit1()
    {
        CliResult result = Start("model.onnx", "-O", "7", "-o", "out.onnx");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Single(result.ErrorLines);
    }

    /// <summary>Starts onnxc.dll (copied beside the tests by the project reference) with the dotnet host.</summary>
    private static CliResult Start(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "onnxc.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project must reference src/Driver");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("ONNXC_DEBUG");
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"onnxc {string.Join(' ', args)} did not finish in 2 minutes");
        }

        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
