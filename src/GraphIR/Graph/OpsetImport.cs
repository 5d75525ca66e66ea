// An operator set a model or function imports: a domain and its version.
namespace Onnxc.GraphIR;

/// <summary>An opset import. The default domain is "" (ONNX also spells it "ai.onnx").</summary>
public sealed record OpsetImport(string Domain, long Version)
{
    public bool IsDefaultDomain => Domain is "" or "ai.onnx";

    public override string ToString() => $"{(IsDefaultDomain ? "ai.onnx" : Domain)} v{Version}";
}
