// The rule tables of the lowering: every INT8 island rule and every float rule, listed explicitly.
namespace Onnxc.Passes.Lowering.Rules;

/// <summary>
/// Which rule lowers which ONNX op. Listed by hand (no reflection), so the table is what the code says; an op type
/// has at most one INT8 rule and one float rule, which the static constructor checks.
/// </summary>
internal static class LoweringRules
{
    public static IReadOnlyList<Int8Rule> Int8 { get; } =
    [
        new ConvRule(),
        new GemmRule(),
        new AddRule(),
        new PoolRule(),
        new ConcatRule(),
        new ActivationRule(),
        new DataMovementRule(),
    ];

    public static IReadOnlyList<FloatRule> Float { get; } =
    [
        new FloatUnaryRule(),
        new FloatBinaryRule(),
        new FloatSoftmaxRule(),
        new FloatGemmRule(),
        new FloatConvRule(),
        new FloatPoolRule(),
        new FloatConcatRule(),
        new FloatDataMovementRule(),
    ];

    private static readonly Dictionary<string, Int8Rule> s_int8ByOp = Index(Int8, r => r.OpTypes);

    private static readonly Dictionary<string, FloatRule> s_floatByOp = Index(Float, r => r.OpTypes);

    /// <summary>The INT8 rule for <paramref name="opType"/>, or null.</summary>
    public static Int8Rule? Int8For(string opType) => s_int8ByOp.GetValueOrDefault(opType);

    /// <summary>The float rule for <paramref name="opType"/>, or null.</summary>
    public static FloatRule? FloatFor(string opType) => s_floatByOp.GetValueOrDefault(opType);

    private static Dictionary<string, T> Index<T>(IReadOnlyList<T> rules, Func<T, IReadOnlyList<string>> ops)
    {
        var index = new Dictionary<string, T>();
        foreach (var rule in rules)
        {
            foreach (string op in ops(rule))
            {
                if (!index.TryAdd(op, rule))
                {
                    throw new InvalidOperationException($"two lowering rules of kind {typeof(T).Name} take {op}");
                }
            }
        }

        return index;
    }
}
