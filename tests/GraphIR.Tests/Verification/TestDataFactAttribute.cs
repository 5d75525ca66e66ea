// A [Fact] that skips, saying why, when Debian's libonnx-testdata is not installed.
namespace Onnxc.GraphIR.Tests.Verification;

[AttributeUsage(AttributeTargets.Method)]
public sealed class TestDataFactAttribute : FactAttribute
{
    public TestDataFactAttribute()
    {
        if (!Directory.Exists(RealModelCorpus.TestDataRoot))
        {
            Skip = $"{RealModelCorpus.TestDataRoot} is missing (apt install libonnx-testdata)";
        }
    }
}
