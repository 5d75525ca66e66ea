// What the importer says about files that are not readable ONNX models.
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.GraphIR.Tests.Onnx;

public sealed class LoadErrorTests
{
    [Fact]
    public void Missing_directory_empty_garbage_and_truncated_files_each_get_one_clear_line()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.onnx"), []);
        File.WriteAllText(dir.File("text.onnx"), "this is not a model\n");
        byte[] model = Google.Protobuf.MessageExtensions.ToByteArray(ProtoBuilder.ReluModel(ProtoBuilder.RawTensor("w", 1, [64], new byte[256])));
        File.WriteAllBytes(dir.File("cut.onnx"), model[..(model.Length / 2)]);
        Directory.CreateDirectory(dir.File("folder.onnx"));

        (string File, string Expected)[] cases =
        [
            (dir.File("absent.onnx"), "no such file"),
            (dir.File("folder.onnx"), "is a directory"),
            (dir.File("empty.onnx"), "the file is empty"),
            (dir.File("text.onnx"), "not an ONNX model"),
            (dir.File("cut.onnx"), "truncated file or not an ONNX model"),
        ];
        foreach ((string file, string expected) in cases)
        {
            var e = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(file));
            Assert.StartsWith(file + ": ", e.Message);
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }
}
