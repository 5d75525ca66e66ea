// An INT8 lowering rule: the ONNX ops it takes, the kernel it emits, and its match-then-emit step.
using Onnxc.GraphIR;
using Onnxc.Kernels.Registry;

namespace Onnxc.Passes.Lowering.Rules;

/// <summary>
/// Lowers one kind of quantized island, <c>DQ inputs -> op [-> Relu/Clip] -> Q</c>, to a kernel step. The rule
/// checks its guards first and asks <see cref="LoweringContext.MissingKernel(KernelOp, Onnxc.Kernels.Quantization.QuantElementType, Onnxc.Kernels.Quantization.QuantElementType)"/>
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
}
