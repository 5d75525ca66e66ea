// Emits one optimizer step per trainable tensor as standard ONNX nodes.

namespace Onnxc.Passes.Training.Optimizers;

/// <summary>
/// The update of one weight w with gradient g, as nodes of the training graph. Per-step numbers (learning rate,
/// Adam's bias corrections) are scalar graph inputs that the host computes for each step, so the graph is the same
/// for every step and a schedule is just a different feed.
/// <para>SGD (PyTorch semantics, dampening 0): g' = g + λ·w; v' = μ·v + g'; w' = w − η·v'. With μ = 0 there is no
/// state and w' = w − η·g'.</para>
/// <para>AdamW: m' = β₁·m + (1−β₁)·g; v' = β₂·v + (1−β₂)·g²;
/// w' = w·(1 − η·λ) − (η/c₁)·m' / (√v'/√c₂ + ε), with c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ at step t (from 1). The host
/// feeds <c>lr</c> = η, <c>adam_step_size</c> = η/c₁ and <c>adam_inv_sqrt_c2</c> = 1/√c₂.</para>
/// </summary>
public sealed class OptimizerGraph
{
    public const string LearningRateInput = "lr";
    public const string AdamStepSizeInput = "adam_step_size";
    public const string AdamInvSqrtC2Input = "adam_inv_sqrt_c2";

    private readonly Graph _graph;
    private readonly OptimizerSettings _settings;
    private readonly Value _lr;
    private readonly Value? _stepSize;
    private readonly Value? _invSqrtC2;

    /// <summary>Adds the scalar inputs the optimizer needs to <paramref name="graph"/>.</summary>
    public OptimizerGraph(Graph graph, OptimizerSettings settings)
    {
        settings.Validate();
        _graph = graph;
        _settings = settings;
        var scalar = new TensorType(ElementType.Float, TensorShape.Scalar);
        _lr = graph.AddInput(LearningRateInput, scalar);
        if (settings.Kind == OptimizerKind.AdamW)
        {
            _stepSize = graph.AddInput(AdamStepSizeInput, scalar);
            _invSqrtC2 = graph.AddInput(AdamInvSqrtC2Input, scalar);
        }
    }

    /// <summary>The scalar inputs this optimizer added, which <see cref="StepScalars"/> feeds.</summary>
    public IReadOnlyList<string> ScalarInputs => _settings.Kind == OptimizerKind.AdamW
        ? [LearningRateInput, AdamStepSizeInput, AdamInvSqrtC2Input]
        : [LearningRateInput];

    /// <summary>The names of the state tensors each weight carries (each the weight's shape, zeros at the start).</summary>
    public IReadOnlyList<string> StateNames => _settings.Kind switch
    {
        OptimizerKind.AdamW => ["adam_m", "adam_v"],
        _ when _settings.Momentum > 0 => ["momentum"],
        _ => [],
    };

    /// <summary>The scalar feeds for step <paramref name="step"/> (1-based) at learning rate <paramref name="lr"/>.</summary>
    public static IReadOnlyList<(string Name, float Value)> StepScalars(OptimizerSettings settings, double lr, long step)
    {
        if (settings.Kind != OptimizerKind.AdamW)
        {
            return [(LearningRateInput, (float)lr)];
        }

        double c1 = 1 - Math.Pow(settings.Beta1, step);
        double c2 = 1 - Math.Pow(settings.Beta2, step);
        return [(LearningRateInput, (float)lr), (AdamStepSizeInput, (float)(lr / c1)), (AdamInvSqrtC2Input, (float)(1 / Math.Sqrt(c2)))];
    }

    /// <summary>
    /// Emits the update of <paramref name="weight"/> given its gradient and its state values (in the order of
    /// <see cref="StateNames"/>); returns the new weight and the new states in the same order.
    /// </summary>
    public (Value Weight, IReadOnlyList<Value> States) EmitUpdate(Value weight, Value gradient, IReadOnlyList<Value> states)
    {
        if (states.Count != StateNames.Count)
        {
            throw new ArgumentException($"{states.Count} states for {StateNames.Count}", nameof(states));
        }

        return _settings.Kind == OptimizerKind.AdamW
            ? AdamW(weight, gradient, states[0], states[1])
            : Sgd(weight, gradient, states.Count > 0 ? states[0] : null);
    }

    private (Value, IReadOnlyList<Value>) Sgd(Value w, Value g, Value? velocity)
    {
        Value step = g;
        if (_settings.WeightDecay > 0)
        {
            step = Op("Add", step, Op("Mul", w, Scalar(_settings.WeightDecay)));
        }

        if (velocity is null)
        {
            return (Op("Sub", w, Op("Mul", step, _lr)), []);
        }

        Value v = Op("Add", Op("Mul", velocity, Scalar(_settings.Momentum)), step);
        return (Op("Sub", w, Op("Mul", v, _lr)), [v]);
    }

    private (Value, IReadOnlyList<Value>) AdamW(Value w, Value g, Value m0, Value v0)
    {
        Value m = Op("Add", Op("Mul", m0, Scalar(_settings.Beta1)), Op("Mul", g, Scalar(1 - _settings.Beta1)));
        Value v = Op("Add", Op("Mul", v0, Scalar(_settings.Beta2)), Op("Mul", Op("Mul", g, g), Scalar(1 - _settings.Beta2)));
        Value denom = Op("Add", Op("Mul", Op1("Sqrt", v), _invSqrtC2!), Scalar(_settings.Epsilon));
        Value update = Op("Mul", Op("Div", m, denom), _stepSize!);
        Value decayed = w;
        if (_settings.WeightDecay > 0)
        {
            // w·(1 − η·λ) = w − w·η·λ.
            decayed = Op("Sub", w, Op("Mul", w, Op("Mul", _lr, Scalar(_settings.WeightDecay))));
        }

        return (Op("Sub", decayed, update), [m, v]);
    }

    private Value Op(string opType, Value a, Value b) =>
        _graph.AddNode(opType, [a, b]).Outputs[0]!;

    private Value Op1(string opType, Value a) => _graph.AddNode(opType, [a], 1).Outputs[0]!;

    private Value Scalar(double value) => _graph.AddConstant("opt_const", TensorData.Scalar((float)value));
}
