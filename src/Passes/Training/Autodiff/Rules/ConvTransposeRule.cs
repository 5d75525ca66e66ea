// Backward of ConvTranspose: the input gradient as a Conv, the weight gradient as Conv's with input and output exchanged.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// Y = ConvTranspose(X, W, B) with X [N,C,S…], W [C,M/g,K…], strides s, pads p, dilations d, group g,
/// output_padding a, Y [N,M,O…] with O = s·(S−1) + a + (K−1)·d + 1 − p_b − p_e:
/// Y[n,m,i·s + k·d − p_b] += X[n,c,i]·W[c,m',k] for c in the group of m, plus B[m]. It is the adjoint of the
/// Conv with the same s, p, d, g and weight W read as [C, M/g, K], so:
/// <list type="bullet">
/// <item>dX = Conv(dY, W) with the same s, p, d, g: dX[n,c,i] = Σ_{m',k} dY[n,m,i·s + k·d − p_b]·W[c,m',k]; its
/// output size is ⌊(s·(S−1) + a)/s⌋ + 1 = S since a &lt; s.</item>
/// <item>dW[c,m',k] = Σ_{n,i} X[n,c,i]·dYpad[n,m,i·s + k·d]: the weight gradient of that Conv with dY as its
/// input and X as its output gradient (see <see cref="ConvRule.WeightGradient"/>).</item>
/// <item>dB = Σ_{n,o} dY[n,m,o].</item>
/// </list>
/// Explicit pads (or VALID) only: with output_shape or auto_pad SAME the split of the padding is the runtime's
/// choice, so the rule refuses them. Channel and spatial dims must be static; the batch may be symbolic.
/// </summary>
public sealed class ConvTransposeRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["ConvTranspose"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        var result = new Value?[node.Inputs.Count];
        if (outputGrads[0] is not { } dy)
        {
            return result;
        }

        if (node.Attribute("output_shape") is not null || node.GetString("auto_pad", "NOTSET") is "SAME_UPPER" or "SAME_LOWER")
        {
            throw new NotSupportedException("ConvTranspose with output_shape or auto_pad SAME has no gradient rule; give explicit pads");
        }

        Value x = node.Inputs[0]!, w = node.Inputs[1]!;
        long[] xDims = ConvGeometry.StaticSpatial(x, "the ConvTranspose input");
        long[] wDims = ConvGeometry.StaticSpatial(w, "the ConvTranspose weight");
        if (wDims[0] < 0)
        {
            throw new NotSupportedException("the ConvTranspose weight needs static dims");
        }

        long[] yDims = ConvGeometry.StaticSpatial(node.Outputs[0]!, "the ConvTranspose output");
        int r = xDims.Length - 2;
        long[] spatial = xDims[2..];
        long[] outSpatial = yDims[2..];
        long[] kernel = wDims[2..];
        var geo = ConvGeometry.Of(node, spatial, kernel);
        long c = xDims[1], m = yDims[1];

        if (context.NeedsGradient(x))
        {
            result[0] = context.Op("Conv", [dy, w], [.. geo.Attributes(withGroup: true), NodeAttribute.Of("kernel_shape", kernel)]);
        }

        if (context.NeedsGradient(w))
        {
            result[1] = ConvRule.WeightGradient(context, dy, x, geo, outSpatial, spatial, m, c);
        }

        if (node.Input(2) is { } b && context.NeedsGradient(b))
        {
            result[2] = GradientOps.ReduceSum(context, dy, [0, .. Enumerable.Range(2, r).Select(i => (long)i)], keepDims: false);
        }

        return result;
    }
}
