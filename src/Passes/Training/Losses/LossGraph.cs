// Emits the training loss as nodes: label cross-entropy, distillation, feature matching.
namespace Onnxc.Passes.Training.Losses;

/// <summary>
/// Appends the scalar loss to a graph whose logits z are [N,K]. The targets are graph inputs the host fills per
/// batch, so the loss needs no OneHot (and works at any opset):
/// <list type="bullet">
/// <item><c>target</c> [N,K]: the label distribution q (one-hot, label-smoothed: q = (1−ε)·onehot + ε/K);</item>
/// <item><c>teacher_target</c> [N,K] when distilling: p_t = softmax(t/T) of the teacher's logits t;</item>
/// <item><c>teacher_entropy</c> (scalar) when distilling: c = α·T²·mean_n Σ_k p_t·log p_t, which has no gradient;</item>
/// <item><c>teacher_feature_i</c>: the teacher's tensor for feature term i.</item>
/// </list>
/// The loss is L = mean_n[ −(1−α)·Σ_k q·log softmax(z) − α·T²·Σ_k p_t·log softmax(z/T) ] + c + Σ_i β_i·mean((s_i−f_i)²),
/// where the first two terms plus c are (1−α)·CE(q, z) + α·T²·KL(p_t ‖ softmax(z/T)); without distillation α = 0
/// and c is absent.
/// </summary>
public static class LossGraph
{
    public const string TargetInput = "target";
    public const string TeacherTargetInput = "teacher_target";
    public const string TeacherFeaturePrefix = "teacher_feature_";
    public const string TeacherEntropyInput = "teacher_entropy";
    public const string LossOutput = "loss";

    /// <summary>Emits the loss for <paramref name="logits"/>; returns it (a float scalar named <see cref="LossOutput"/>).</summary>
    public static Value Emit(Graph graph, Value logits, LossSettings settings)
    {
        settings.Validate();
        if (logits.Shape is not { Rank: 2 } shape)
        {
            throw new TrainingException($"the logits '{logits.Name}' must be [N, classes] (rank 2), not {logits.Shape?.ToString() ?? "of unknown shape"}");
        }

        var targetType = new TensorType(ElementType.Float, new TensorShape([shape[0].IsKnown ? shape[0] : Dim.Symbol("N"), shape[1]]));
        Value target = graph.AddInput(TargetInput, targetType);
        double alpha = settings.Distillation?.Alpha ?? 0;

        // −Σ_k q·log softmax(z), per sample.
        Value perSample = Scaled(graph, CrossEntropy(graph, logits, target), -(1 - alpha));
        if (settings.Distillation is { } d)
        {
            Value teacher = graph.AddInput(TeacherTargetInput, targetType);
            Value soft = Op(graph, "Div", logits, Const(graph, d.Temperature));
            Value kd = Scaled(graph, CrossEntropy(graph, soft, teacher), -alpha * d.Temperature * d.Temperature);
            perSample = alpha >= 1 ? kd : Op(graph, "Add", perSample, kd);
        }

        Value loss = ReduceMeanAll(graph, perSample);
        if (settings.Distillation is not null)
        {
            loss = Op(graph, "Add", loss, graph.AddInput(TeacherEntropyInput, new TensorType(ElementType.Float, TensorShape.Scalar)));
        }
        for (int i = 0; i < settings.Features.Count; i++)
        {
            FeatureLoss f = settings.Features[i];
            Value student = graph.FindValue(f.Student)
                ?? throw new TrainingException($"--feature {f.Student}:{f.Teacher}: the student has no tensor '{f.Student}'");
            Value teacherFeature = graph.AddInput(TeacherFeaturePrefix + i, student.Type);
            Value diff = Op(graph, "Sub", student, teacherFeature);
            Value mse = ReduceMeanAll(graph, Op(graph, "Mul", diff, diff));
            loss = Op(graph, "Add", loss, Scaled(graph, mse, f.Weight));
        }

        Value named = graph.AddNode("Identity", [loss], [LossOutput], name: graph.Model.FreshName("loss")).Outputs[0]!;
        return named;
    }

    /// <summary>Σ_k q·log softmax(z) over the last axis: [N,K] → [N].</summary>
    private static Value CrossEntropy(Graph graph, Value z, Value q)
    {
        Value logp = graph.AddNode("LogSoftmax", [z], 1, [NodeAttribute.Of("axis", 1L)]).Outputs[0]!;
        Value prod = Op(graph, "Mul", q, logp);
        long opset = graph.Model.OpsetVersion("") ?? 13;
        return opset >= 13
            ? graph.AddNode("ReduceSum", [prod, graph.AddConstant("loss_axes", TensorData.FromInt64s([1], [1L]))], 1,
                [NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!
            : graph.AddNode("ReduceSum", [prod], 1, [NodeAttribute.Of("axes", new long[] { 1 }), NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!;
    }

    /// <summary>The mean over every axis, as a rank-0 tensor (ReduceMean with no axes reduces all of them).</summary>
    private static Value ReduceMeanAll(Graph graph, Value x) =>
        graph.AddNode("ReduceMean", [x], 1, [NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!;

    private static Value Scaled(Graph graph, Value x, double factor) =>
        factor == 1 ? x : Op(graph, "Mul", x, Const(graph, factor));

    private static Value Op(Graph graph, string opType, Value a, Value b) => graph.AddNode(opType, [a, b]).Outputs[0]!;

    private static Value Const(Graph graph, double value) => graph.AddConstant("loss_const", TensorData.Scalar((float)value));
}
