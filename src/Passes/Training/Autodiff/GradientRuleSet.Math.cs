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
        rules.Add(new SoftmaxRule());

        // Linear algebra and reductions.
        rules.Add(new MatMulRule());
        rules.Add(new GemmRule());
        rules.Add(new ReduceSumMeanRule());

        // Shape and data movement.
        rules.Add(new IdentityRule());
        rules.Add(new ReshapeLikeRule());
    }
}
