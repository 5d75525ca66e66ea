// The facts the verifier checks about one operator of the default domain, taken over all its opset versions.
using System.Collections.Immutable;

namespace Onnxc.GraphIR.Schema;

/// <summary>
/// What an operator accepts, as the union over every opset version (so a valid model of any version passes):
/// formal inputs and outputs with their type variables, the allowed element types of each variable (absent:
/// any type), and the attributes with their kinds. Build one with <see cref="Parse"/> from the compact spec the
/// table uses.
/// </summary>
public sealed class OpSchema
{
    private readonly Dictionary<string, AttributeSpec> _attributes;

    private OpSchema(
        string opType,
        ImmutableArray<FormalParameter> inputs,
        ImmutableArray<FormalParameter> outputs,
        ImmutableArray<AttributeSpec> attributes,
        ImmutableDictionary<string, ImmutableArray<ElementType>> typeConstraints)
    {
        OpType = opType;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
        TypeConstraints = typeConstraints;
        _attributes = attributes.ToDictionary(a => a.Name, StringComparer.Ordinal);
        (MinInputs, MaxInputs) = CountRange(inputs);
        (MinOutputs, MaxOutputs) = CountRange(outputs);
    }

    public string OpType { get; }

    public ImmutableArray<FormalParameter> Inputs { get; }

    public ImmutableArray<FormalParameter> Outputs { get; }

    /// <summary>The attributes, in the order the table lists them.</summary>
    public ImmutableArray<AttributeSpec> Attributes { get; }

    /// <summary>Allowed element types per type variable; a variable not listed accepts any type.</summary>
    public ImmutableDictionary<string, ImmutableArray<ElementType>> TypeConstraints { get; }

    public int MinInputs { get; }

    /// <summary><see cref="int.MaxValue"/> when the last input is variadic.</summary>
    public int MaxInputs { get; }

    public int MinOutputs { get; }

    public int MaxOutputs { get; }

    public AttributeSpec? Attribute(string name) => _attributes.GetValueOrDefault(name);

    /// <summary>The type variable of actual input <paramref name="index"/> (variadic tails repeat the last), or null.</summary>
    public string? InputTypeVariable(int index) => VariableAt(Inputs, index);

    public string? OutputTypeVariable(int index) => VariableAt(Outputs, index);

    /// <summary>The allowed element types of <paramref name="variable"/>, or null when any type is allowed.</summary>
    public ImmutableArray<ElementType>? Allowed(string variable) =>
        TypeConstraints.TryGetValue(variable, out ImmutableArray<ElementType> types) ? types : null;

    /// <summary>
    /// Builds a schema from the table's compact form. <paramref name="inputs"/> and <paramref name="outputs"/> list
    /// type variables separated by spaces, each suffixed "?" (optional), "+" (one or more) or "*" (zero or more).
    /// <paramref name="attributes"/> lists "name:kind" (kind i, f, s, t, g, ints, floats, strings, tensors, graphs,
    /// sparse, tp, tps; alternatives joined by "|"), suffixed "!" when required. <paramref name="types"/> lists
    /// "VAR=group|group" separated by ";", with groups named in <see cref="TypeGroups"/>.
    /// </summary>
    public static OpSchema Parse(string opType, string inputs, string outputs, string attributes, string types)
    {
        return new OpSchema(
            opType,
            ParseParameters(inputs),
            ParseParameters(outputs),
            [.. Split(attributes, ' ').Select(ParseAttribute)],
            Split(types, ';').Select(ParseConstraint).ToImmutableDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
    }

    private static string? VariableAt(ImmutableArray<FormalParameter> formals, int index)
    {
        if (formals.IsEmpty || index < 0)
        {
            return null;
        }

        if (index < formals.Length)
        {
            return formals[index].TypeVariable;
        }

        FormalParameter last = formals[^1];
        return last.Option is ParameterOption.Variadic or ParameterOption.VariadicOrNone ? last.TypeVariable : null;
    }

    private static (int Min, int Max) CountRange(ImmutableArray<FormalParameter> formals)
    {
        int min = 0;
        for (int i = 0; i < formals.Length; i++)
        {
            if (formals[i].Option is ParameterOption.Single or ParameterOption.Variadic)
            {
                min = i + 1;
            }
        }

        bool variadic = formals.Length > 0 && formals[^1].Option is ParameterOption.Variadic or ParameterOption.VariadicOrNone;
        return (min, variadic ? int.MaxValue : formals.Length);
    }

    private static IEnumerable<string> Split(string text, char separator) =>
        text.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ImmutableArray<FormalParameter> ParseParameters(string spec) =>
    [
        .. Split(spec, ' ').Select(token => token[^1] switch
        {
            '?' => new FormalParameter(token[..^1], ParameterOption.Optional),
            '+' => new FormalParameter(token[..^1], ParameterOption.Variadic),
            '*' => new FormalParameter(token[..^1], ParameterOption.VariadicOrNone),
            _ => new FormalParameter(token, ParameterOption.Single),
        }),
    ];

    private static AttributeSpec ParseAttribute(string token)
    {
        bool required = token.EndsWith('!');
        string body = required ? token[..^1] : token;
        int colon = body.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new ArgumentException($"attribute spec '{token}' needs name:kind");
        }

        ImmutableArray<AttributeKind> kinds = [.. Split(body[(colon + 1)..], '|').Select(KindOf)];
        return new AttributeSpec(body[..colon], kinds, required);
    }

    private static AttributeKind KindOf(string name) => name switch
    {
        "i" => AttributeKind.Int,
        "f" => AttributeKind.Float,
        "s" => AttributeKind.String,
        "t" => AttributeKind.Tensor,
        "g" => AttributeKind.Graph,
        "ints" => AttributeKind.Ints,
        "floats" => AttributeKind.Floats,
        "strings" => AttributeKind.Strings,
        "tensors" => AttributeKind.Tensors,
        "graphs" => AttributeKind.Graphs,
        "sparse" => AttributeKind.SparseTensor,
        "tp" => AttributeKind.TypeProto,
        "tps" => AttributeKind.TypeProtos,
        _ => throw new ArgumentException($"unknown attribute kind '{name}'"),
    };

    private static KeyValuePair<string, ImmutableArray<ElementType>> ParseConstraint(string token)
    {
        int eq = token.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ArgumentException($"type constraint '{token}' needs VAR=groups");
        }

        ImmutableArray<ElementType> types = [.. Split(token[(eq + 1)..], '|').SelectMany(g => TypeGroups.Get(g).AsEnumerable()).Distinct().Order()];
        return new(token[..eq].Trim(), types);
    }

    public override string ToString() => OpType;
}
