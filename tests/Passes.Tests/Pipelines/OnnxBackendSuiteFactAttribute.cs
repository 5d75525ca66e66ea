// A [Fact] that skips, saying why, when Debian's libonnx-testdata is not installed.
namespace Onnxc.Passes.Tests.Pipelines;

[AttributeUsage(AttributeTargets.Method)]
public sealed class OnnxBackendSuiteFactAttribute : FactAttribute
{
    public const string Root = "/usr/share/libonnx-testdata/data";

    public OnnxBackendSuiteFactAttribute()
    {
        if (!Directory.Exists(Root))
        {
            Skip = $"{Root} is missing (apt-get install libonnx-testdata)";
        }
    }
}
