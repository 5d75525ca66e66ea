// A [Fact] that skips, saying why, when Debian's libonnx-testdata (real ONNX test-data .pb files) is not installed.
namespace Onnxc.Passes.Tests.Evaluation.Data;

[AttributeUsage(AttributeTargets.Method)]
public sealed class LibOnnxTestDataFactAttribute : FactAttribute
{
    public const string NodeTests = "/usr/share/libonnx-testdata/data/node";

    public LibOnnxTestDataFactAttribute()
    {
        if (!Directory.Exists(NodeTests))
        {
            Skip = $"{NodeTests} is missing; apt-get install libonnx-testdata to run this test";
        }
    }
}
