// The backward rules onnxc knows, by op type.
namespace Onnxc.Passes.Training.Autodiff;

/// <summary>
/// A lookup from default-domain op type to its <see cref="IGradientRule"/>. <see cref="Default"/> holds every rule
/// of this assembly; the lists are plain code, one partial file per family of ops.
/// </summary>
public sealed partial class GradientRuleSet
{
    private readonly Dictionary<string, IGradientRule> _rules = new(StringComparer.Ordinal);

    public GradientRuleSet(IEnumerable<IGradientRule> rules)
    {
        foreach (IGradientRule rule in rules)
        {
            foreach (string op in rule.OpTypes)
            {
                if (!_rules.TryAdd(op, rule))
                {
                    throw new ArgumentException($"two gradient rules for {op}");
                }
            }
        }
    }

    /// <summary>Every rule onnxc has.</summary>
    public static GradientRuleSet Default { get; } = CreateDefault();

    /// <summary>The op types that have a rule, sorted.</summary>
    public IEnumerable<string> OpTypes => _rules.Keys.Order(StringComparer.Ordinal);

    public IGradientRule? Find(Node node) => node.IsDefaultDomain ? _rules.GetValueOrDefault(node.OpType) : null;

    private static GradientRuleSet CreateDefault()
    {
        var rules = new List<IGradientRule>();
        AddMathRules(rules);
        AddNeuralNetworkRules(rules);
        return new GradientRuleSet(rules);
    }

    /// <summary>Elementwise arithmetic, activations, MatMul/Gemm, reductions, softmax, shape and data movement.</summary>
    static partial void AddMathRules(List<IGradientRule> rules);

    /// <summary>Convolution, pooling, normalization, dropout, padding and fake quantization.</summary>
    static partial void AddNeuralNetworkRules(List<IGradientRule> rules);
}
