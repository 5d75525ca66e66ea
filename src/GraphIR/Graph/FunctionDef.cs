// A model-local function (ONNX FunctionProto): a named body graph that nodes may call as an operator.
using System.Collections.Immutable;

namespace Onnxc.GraphIR;

/// <summary>
/// A model-local function. Its body is an IR graph whose inputs and outputs are the formal parameters (usually
/// untyped). Attribute parameters are names, with optional defaults.
/// </summary>
public sealed class FunctionDef
{
    public FunctionDef(string domain, string name, Graph body)
    {
        Domain = domain;
        Name = name;
        Body = body;
    }

    public string Domain { get; }

    public string Name { get; }

    public string? Overload { get; init; }

    public Graph Body { get; }

    public ImmutableArray<string> AttributeNames { get; init; } = [];

    public ImmutableArray<NodeAttribute> AttributeDefaults { get; init; } = [];

    public ImmutableArray<OpsetImport> Opsets { get; init; } = [];

    public string? DocString { get; init; }

    public ImmutableArray<KeyValuePair<string, string>> Metadata { get; init; } = [];

    public ReadOnlyMemory<byte> UnknownFields { get; init; }

    public override string ToString() => $"function {Domain}.{Name}";
}
