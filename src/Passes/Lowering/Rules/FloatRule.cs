// A float lowering rule: ops outside INT8 islands run as float kernels on dequantized inputs.
using Onnxc.Kernels.Runtime;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>
/// Lowers one kind of ONNX op to float kernel steps. Float rules are the fallback: a node gets one only when no
/// <see cref="Int8Rule"/> took it; a node no rule takes cannot be lowered, and the lowering says so.
/// </summary>
internal abstract class FloatRule
{
    /// <summary>The ONNX op types (default domain) the rule lowers.</summary>
    public abstract IReadOnlyList<string> OpTypes { get; }

    /// <summary>Whether the rule takes <paramref name="node"/>, beyond its op type (an arity, say).</summary>
    public virtual bool Accepts(Node node) => true;

    /// <summary>Adds the node's float steps and returns the plan tensor of its output.</summary>
    public abstract PlanTensor Lower(LoweringContext context, Node node);
}
