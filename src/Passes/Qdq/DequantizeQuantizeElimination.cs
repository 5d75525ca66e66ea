// eliminate-dq-q-pair: QuantizeLinear(DequantizeLinear(q)) with the same parameters is q.
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes.Qdq;

/// <summary>
/// Q(DQ(q)) = saturate(round((q - z) * s / s) + z) = q: (q - z) * s / s lies within an ulp of the integer q - z
/// (|q - z| &lt;= 2^16), so rounding restores it exactly and it is in range. Guards: both nodes use the same
/// constant scale, zero point (type included, which fixes Q's output type) and axis; the Q output can be replaced.
/// The DQ stays when something else reads it.
/// </summary>
public sealed class DequantizeQuantizeElimination : RewriteRule<DequantizeQuantizeElimination.Bound>
{
    public override string Name => "eliminate-dq-q-pair";

    public override string RootOpType => "QuantizeLinear";

    protected override MatchOutcome<Bound> Match(Node q, RewriteContext context) =>
        q.Input(0)?.Producer is { OpType: "DequantizeLinear", IsDefaultDomain: true } dq && dq.Input(0) is not null
            ? new Bound(dq, q)
            : Fail("the input is not produced by a DequantizeLinear");

    protected override string? Check(Bound m, RewriteContext context) =>
        QdqParameters.SameParameters(m.Dequantize, m.Quantize)
        ?? (m.Quantize.Attribute("output_dtype") is not null ? "Q sets output_dtype" : null)
        ?? (m.Quantize.GetInt("saturate", 1) == 1 ? null : "float8 saturate=0")
        ?? Guards.CanReplace(m.Quantize.Outputs[0]!, m.Dequantize.Input(0)!);

    protected override void Rewrite(Bound m, RewriteContext context)
    {
        context.Replace(m.Quantize.Outputs[0]!, m.Dequantize.Input(0)!);
        context.RemoveIfDead(m.Quantize, m.Dequantize);
    }

    public sealed record Bound(Node Dequantize, Node Quantize);
}
