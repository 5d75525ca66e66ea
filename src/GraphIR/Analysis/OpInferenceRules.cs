// The registry through which code outside GraphIR teaches shape inference new ops and domains.
using System.Collections.Concurrent;

namespace Onnxc.GraphIR.Analysis;

/// <summary>
/// Inference rules by (domain, op type), consulted by <see cref="ShapeInference"/> and
/// <see cref="GraphBuilder"/> before the built-in ops: a registered rule for a default-domain op replaces the
/// built-in one, and a rule for another domain types ops that would otherwise stay unknown. Rules are process-wide
/// (a domain is a global name); registering the same key again replaces the rule. Safe to use from several threads.
/// </summary>
public static class OpInferenceRules
{
    private static readonly ConcurrentDictionary<(string Domain, string OpType), OpInferenceRule> Rules = new(BuiltIn());

    /// <summary>Registers <paramref name="rule"/> for ops <paramref name="opType"/> of <paramref name="domain"/> ("" or "ai.onnx": the default domain).</summary>
    public static void Register(string domain, string opType, OpInferenceRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Rules[(Normalize(domain), opType)] = rule;
    }

    /// <summary>Removes a registered rule; true when there was one.</summary>
    public static bool Unregister(string domain, string opType) => Rules.TryRemove((Normalize(domain), opType), out _);

    public static OpInferenceRule? Find(string domain, string opType) => Rules.GetValueOrDefault((Normalize(domain), opType));

    private static string Normalize(string domain) => domain == "ai.onnx" ? string.Empty : domain;

    /// <summary>
    /// The contrib ops onnxc itself writes (dynamic INT8): registered like any other rule, so the mechanism the
    /// built-ins use is the one users extend.
    /// </summary>
    private static IEnumerable<KeyValuePair<(string, string), OpInferenceRule>> BuiltIn()
    {
        // Float A·B with MatMul's broadcasting; DynamicQuantizeMatMul keeps A's element type, MatMulIntegerToFloat gives float.
        yield return new(("com.microsoft", "DynamicQuantizeMatMul"), c =>
            c.SetOutput(0, c.InputElementType(0), ShapeInferrer.MatMulShape(c.InputShape(0), c.InputShape(1))));
        yield return new(("com.microsoft", "MatMulIntegerToFloat"), c =>
            c.SetOutput(0, ElementType.Float, ShapeInferrer.MatMulShape(c.InputShape(0), c.InputShape(1))));

        // Self-attention over [B, S, D] with packed Q|K|V weights [D, 3·hidden]: float [B, S, hidden] (QAttention too).
        yield return new(("com.microsoft", "Attention"), c => c.SetOutput(0, ElementType.Float, AttentionShape(c)));
        yield return new(("com.microsoft", "QAttention"), c => c.SetOutput(0, ElementType.Float, AttentionShape(c)));
    }

    private static TensorShape? AttentionShape(OpInferenceContext c)
    {
        if (c.InputShape(0) is not { Rank: 3 } x || c.InputShape(1) is not { Rank: 2 } w)
        {
            return null;
        }

        return new TensorShape([x[0], x[1], w[1].Value is long n ? Dim.Of(n / 3) : Dim.Unknown]);
    }
}
