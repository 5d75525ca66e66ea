// Bad calibration and evaluation data on the command line: one line naming the file, exit 2, nothing written.
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class BadDataTests
{
    private static string DefaultModel => Path.Combine(SharedData.RepoRoot, "models", "shapes-cnn.onnx");

    private static void WriteLabels(string folder, int count) =>
        NpyWriter.Write(Path.Combine(folder, "labels.npy"), "<i8", [count], new byte[count * 8]);

    public static TheoryData<string, string> Cases => new()
    {
        { "wrong-shape", "images.npy" },
        { "wrong-dtype", "images.npy" },
        { "nan", "images.npy" },
        { "label-mismatch", "labels.npy" },
        { "empty-folder", "empty" },
        { "corrupt-image", "broken.png" },
        { "bad-preprocess", "scale=" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_calibration_data_is_one_line_exit_2_and_nothing_written(string kind, string expectedInMessage)
    {
        using var dir = new TempDir();
        string data = dir.File("images.npy");
        string preprocess = "scale=0.00392156862745098";
        switch (kind)
        {
            case "wrong-shape":
                NpyWriter.Write(data, "|u1", [4, 5, 7], new byte[4 * 5 * 7]);
                break;
            case "wrong-dtype":
                NpyWriter.Write(data, "<i8", [2, 28, 28], new byte[2 * 28 * 28 * 8]);
                break;
            case "nan":
                byte[] floats = new byte[2 * 28 * 28 * 4];
                BitConverter.GetBytes(float.NaN).CopyTo(floats, 40);
                NpyWriter.Write(data, "<f4", [2, 28, 28], floats);
                preprocess = string.Empty;
                break;
            case "label-mismatch":
                NpyWriter.Write(data, "|u1", [3, 28, 28], new byte[3 * 28 * 28]);
                WriteLabels(dir.Path, 5);
                break;
            case "empty-folder":
                data = dir.File("empty");
                Directory.CreateDirectory(data);
                break;
            case "corrupt-image":
                data = dir.File("images");
                Directory.CreateDirectory(data);
                File.WriteAllBytes(Path.Combine(data, "broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2, 3]);
                break;
            case "bad-preprocess":
                NpyWriter.Write(data, "|u1", [2, 28, 28], new byte[2 * 28 * 28]);
                preprocess = "scale=";
                break;
        }

        string output = Path.Combine(dir.Path, "out", "q.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        string[] args = preprocess.Length > 0
            ? [DefaultModel, "-O", "int8", "--calibration", data, "--preprocess", preprocess, "-o", output]
            : [DefaultModel, "-O", "int8", "--calibration", data, "-o", output];

        CliResult result = CliRunner.Run(args);

        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.StartsWith("onnxc: error: ", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(expectedInMessage, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!));
    }
}
