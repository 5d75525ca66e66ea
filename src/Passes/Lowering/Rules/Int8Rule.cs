// An INT8 lowering rule: the ONNX ops it takes, the kernel it emits, and its match-then-emit step.
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Registry;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>
/// Lowers one kind of quantized island, <c>DQ inputs -> op [-> Relu/Clip] -> Q</c>, to a kernel step. The rule
/// checks its guards first and asks <see cref="MissingKernel"/>
/// whether the target's kernel set has the kernel for the island's element types; only then does it add tensors
/// and steps. A failed match returns its reason and leaves the plan as it was, and the node runs as float.
/// </summary>
internal abstract class Int8Rule
{
    /// <summary>The ONNX op types (default domain) the rule lowers.</summary>
    public abstract IReadOnlyList<string> OpTypes { get; }

    /// <summary>The kernel the rule emits for <paramref name="opType"/>; null when it only moves bytes (strided copies).</summary>
    public abstract KernelOp? KernelFor(string opType);

    /// <summary>Lowers <paramref name="node"/> as an INT8 island: null when done, else why not.</summary>
    public abstract string? TryLower(LoweringContext context, Node node);

    /// <summary>
    /// Null when the kernel set has this rule's kernel (<see cref="KernelFor"/> of the node's op) from
    /// <paramref name="input"/> to <paramref name="output"/>, else the fallback reason; rules without a kernel need none.
    /// </summary>
    protected string? MissingKernel(LoweringContext context, Node node, QuantElementType input, QuantElementType output) =>
        KernelFor(node.OpType) is { } op ? context.MissingKernel(op, input, output) : null;
}
