// A [Fact] that skips, saying why, when the ONNX backend test data is not installed.
namespace Onnxc.GraphIR.Tests.Conformance;

[AttributeUsage(AttributeTargets.Method)]
public sealed class OnnxBackendFactAttribute : FactAttribute
{
    public OnnxBackendFactAttribute()
    {
        if (!OnnxBackendSuite.IsAvailable)
        {
            Skip = OnnxBackendSuite.MissingReason;
        }
    }
}
