// The command line itself: --help and --version on every command, and usage errors that exit 1 with one line.
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void RootHelpShowsBothCommandsOptionsAndExitCodes(string flag)
    {
        CliResult result = CliRunner.Run(flag);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(string.Empty, result.Stderr);
        Assert.Contains("onnxc <MODEL> -o <OUT> [options]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("onnxc inspect <MODEL> [options]", result.Stdout, StringComparison.Ordinal);
        foreach (string option in new[] { "-O <LEVEL>", "--output <OUT>", "--external-data", "--version" })
        {
            Assert.Contains(option, result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void InspectHelpShowsOnlyItsOwnArgument()
    {
        CliResult result = CliRunner.Run("inspect", "--help");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("onnxc inspect <MODEL> [options]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("The ONNX model to compile", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--external-data", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void VersionPrintsTheAssemblyVersion()
    {
        CliResult result = CliRunner.Run("--version");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        string expected = typeof(Cli).Assembly.GetName().Version!.ToString(3);
        Assert.StartsWith(expected, result.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("3")]
    public void UnsupportedLevelIsAUsageError(string level)
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        CliResult result = CliRunner.Run(input, "-O", level, "-o", dir.File("out.onnx"));

        AssertUsageError(result, $"-O {level}: unsupported optimization level (supported: 0, 1, 2, int8, int8-dynamic)");
        Assert.False(File.Exists(dir.File("out.onnx")));
    }

    [Fact]
    public void AttachedLevelIsAccepted()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        CliResult result = CliRunner.Run(input, "-O0", "-o", dir.File("out.onnx"));

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.True(File.Exists(dir.File("out.onnx")));
    }

    [Fact]
    public void NoArgumentsIsAUsageError() => AssertUsageError(CliRunner.Run(), "MODEL");

    [Fact]
    public void MissingOutputIsAUsageError() => AssertUsageError(CliRunner.Run("model.onnx"), "--output");

    [Fact]
    public void UnknownOptionIsAUsageErrorNotAMissingFile() =>
        AssertUsageError(CliRunner.Run("--bogus", "-o", "out.onnx"), "unknown option '--bogus'");

    [Fact]
    public void UnknownOptionAfterTheModelIsAUsageError() =>
        AssertUsageError(CliRunner.Run("model.onnx", "-o", "out.onnx", "--fast"), "--fast");

    [Fact]
    public void InspectWithoutModelPointsAtInspectHelp()
    {
        CliResult result = CliRunner.Run("inspect");

        AssertUsageError(result, "MODEL");
        Assert.EndsWith("(see 'onnxc inspect --help')", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void OutputOverTheInputIsRefused()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));
        byte[] before = File.ReadAllBytes(input);

        AssertUsageError(CliRunner.Run(input, "-o", input), "overwrite the input");
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void OutputInAMissingFolderIsRefusedBeforeReading()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        AssertUsageError(CliRunner.Run(input, "-o", Path.Combine(dir.Path, "no", "such", "out.onnx")), "does not exist");
        Assert.Equal(["model.onnx"], FolderSnapshot.Take(dir.Path).Keys);
    }

    [Fact]
    public void OutputThatIsAFolderIsRefused()
    {
        using var dir = new TempDir();
        string input = TestModels.Write(TestModels.Valid(), dir.File("model.onnx"));

        AssertUsageError(CliRunner.Run(input, "-o", dir.Path), "is a directory");
    }

    private static void AssertUsageError(CliResult result, string fragment)
    {
        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("onnxc: error: ", line, StringComparison.Ordinal);
        Assert.Contains(fragment, line, StringComparison.Ordinal);
        Assert.Contains("--help", line, StringComparison.Ordinal);
    }
}
