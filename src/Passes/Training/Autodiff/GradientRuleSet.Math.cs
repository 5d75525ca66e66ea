// The math half of the default gradient rules: elementwise, activations, MatMul/Gemm, reductions, shape ops.
using Onnxc.Passes.Training.Autodiff.Rules;

namespace Onnxc.Passes.Training.Autodiff;

public sealed partial class GradientRuleSet
{
    static partial void AddMathRules(List<IGradientRule> rules)
    {
        // Arithmetic with broadcasting.
        rules.Add(new AddSubRule());
        rules.Add(new MulRule());
        rules.Add(new DivRule());
        rules.Add(new NegRule());
        rules.Add(new SumRule());

        // Activations.
        rules.Add(new ReluRule());
        rules.Add(new LeakyReluRule());
        rules.Add(new ClipRule());
        rules.Add(new SigmoidRule());
        rules.Add(new TanhRule());
        rules.Add(new ErfRule());
        rules.Add(new GeluRule());
        rules.Add(new SoftmaxRule());
        rules.Add(new ExpLogSqrtRule());
        rules.Add(new PowRule());

        // Linear algebra and reductions.
        rules.Add(new MatMulRule());
        rules.Add(new GemmRule());
        rules.Add(new ReduceSumMeanRule());

        // Shape and data movement.
        rules.Add(new IdentityRule());
        rules.Add(new ReshapeLikeRule());
        rules.Add(new TransposeRule());
        rules.Add(new ConcatRule());
        rules.Add(new SplitRule());
        rules.Add(new SliceRule());
        rules.Add(new GatherRule());
        rules.Add(new CastRule());
    }
}
