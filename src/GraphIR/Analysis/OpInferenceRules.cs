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
    }
}
