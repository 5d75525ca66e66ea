// Backward of Transpose.
namespace Onnxc.Passes.Training.Autodiff.Rules;

/// <summary>
/// y = x with axes permuted, y.dims[i] = x.dims[perm[i]] (perm defaults to reversing the axes):
/// dx = Transpose(g, perm⁻¹) with perm⁻¹[perm[i]] = i.
/// </summary>
public sealed class TransposeRule : IGradientRule
{
    public IReadOnlyList<string> OpTypes { get; } = ["Transpose"];

    public IReadOnlyList<Value?> Backward(GradientContext context, Node node, IReadOnlyList<Value?> outputGrads)
    {
        Value x = node.Inputs[0]!;
        if (outputGrads[0] is not { } g || !context.NeedsGradient(x))
        {
            return [null];
        }

        long[] perm = node.GetInts("perm") is { } p ? [.. p]
            : [.. Enumerable.Range(0, GradientOps.Rank(x)).Reverse().Select(i => (long)i)];
        var inverse = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }

        return [context.Op("Transpose", [g], NodeAttribute.Of("perm", inverse))];
    }
}
