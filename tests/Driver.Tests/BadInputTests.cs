// Every bad input gives exit 2 and one line naming the file (and node), writes nothing and leaves the input alone.
using Xunit.Abstractions;

namespace Onnxc.Driver.Tests;

public sealed class BadInputTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (BadInputCase c in BadInputCases.All)
        {
            data.Add(c.Name, "compile");
            data.Add(c.Name, "inspect");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsRejectedWithOneLineExit2AndNoOutput(string caseName, string command)
    {
        BadInputCase badCase = BadInputCases.Named(caseName);
        using var folders = new BadInputFolders();
        string input = badCase.Make(folders);
        SortedDictionary<string, string> before = FolderSnapshot.Take(folders.Root);

        CliResult result = command == "compile"
            ? CliRunner.Run(input, "-O", "0", "-o", folders.OutputPath)
            : CliRunner.Run("inspect", input, "--json");

        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("onnxc: error: " + input + ": ", line, StringComparison.Ordinal);
        foreach (string fragment in badCase.Mentions)
        {
            Assert.Contains(fragment, line, StringComparison.Ordinal);
        }

        if (badCase.AnyOf.Length > 0)
        {
            Assert.True(badCase.AnyOf.Any(f => line.Contains(f, StringComparison.Ordinal)), $"'{line}' names none of {string.Join(", ", badCase.AnyOf)}");
        }

        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);

        // Nothing written (no OUT, no OUT.data, no temporary file), and the input and its neighbours unchanged.
        Assert.Equal(before, FolderSnapshot.Take(folders.Root));
    }
}
