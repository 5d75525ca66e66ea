// Bad calibration and evaluation data on the command line: one line naming the file, exit 2, nothing written.
using System.Text;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class BadDataTests
{
    private static string DefaultModel => Path.Combine(SharedData.RepoRoot, "models", "shapes-cnn.onnx");

    /// <summary>A NumPy v1.0 file of a C-order array with <paramref name="descr"/> ('|u1', '&lt;f4', '&lt;i8') and raw little-endian data.</summary>
    private static void WriteNpy(string path, string descr, long[] shape, byte[] data)
    {
        string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(data);
    }

    private static void WriteLabels(string folder, int count) =>
        WriteNpy(Path.Combine(folder, "labels.npy"), "<i8", [count], new byte[count * 8]);

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
                WriteNpy(data, "|u1", [4, 5, 7], new byte[4 * 5 * 7]);
                break;
            case "wrong-dtype":
                WriteNpy(data, "<i8", [2, 28, 28], new byte[2 * 28 * 28 * 8]);
                break;
            case "nan":
                byte[] floats = new byte[2 * 28 * 28 * 4];
                BitConverter.GetBytes(float.NaN).CopyTo(floats, 40);
                WriteNpy(data, "<f4", [2, 28, 28], floats);
                preprocess = string.Empty;
                break;
            case "label-mismatch":
                WriteNpy(data, "|u1", [3, 28, 28], new byte[3 * 28 * 28]);
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
                WriteNpy(data, "|u1", [2, 28, 28], new byte[2 * 28 * 28]);
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
