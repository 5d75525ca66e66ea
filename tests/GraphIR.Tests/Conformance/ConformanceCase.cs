// One model of a conformance suite: which suite, its name, and the model file.
namespace Onnxc.GraphIR.Tests.Conformance;

public sealed record ConformanceCase(string Suite, string Name, string ModelPath)
{
    public string Id => Suite + "/" + Name;

    public override string ToString() => Id;
}
