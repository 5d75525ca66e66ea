// The product of the training-graph builder: one ONNX model that runs a whole training step, and what it reads and writes.
namespace Onnxc.Passes.Training;

/// <summary>
/// A training step as a standard ONNX model: forward, loss, gradients and optimizer update. Its inputs are the
/// forward model's data inputs, the loss targets, the per-step optimizer scalars and every
/// <see cref="CarriedTensor"/>; its outputs are the loss, the logits (for training accuracy) and every carried
/// tensor's new value. <see cref="Evaluation"/> is the forward model with the parameters and buffers as inputs of
/// the same names, so validation reads the training buffers without a copy.
/// </summary>
public sealed class TrainingGraph
{
    public TrainingGraph(
        Model model,
        Model evaluation,
        IReadOnlyList<string> dataInputs,
        string logits,
        IReadOnlyList<CarriedTensor> carried,
        IReadOnlyList<string> scalarInputs,
        IReadOnlyList<string> featureTeacherInputs,
        bool hasTeacherTarget,
        IReadOnlyList<DropoutTraining.Mask>? dropoutMasks = null,
        IReadOnlyList<string>? unreached = null)
    {
        Unreached = unreached ?? [];
        DropoutMasks = dropoutMasks ?? [];
        Model = model;
        Evaluation = evaluation;
        DataInputs = dataInputs;
        Logits = logits;
        Carried = carried;
        ScalarInputs = scalarInputs;
        FeatureTeacherInputs = featureTeacherInputs;
        HasTeacherTarget = hasTeacherTarget;
    }

    /// <summary>The training-step model.</summary>
    public Model Model { get; }

    /// <summary>The forward model with parameters and buffers as graph inputs; its only output is the logits.</summary>
    public Model Evaluation { get; }

    /// <summary>The forward model's own (non-initializer) inputs, which the data feeds.</summary>
    public IReadOnlyList<string> DataInputs { get; }

    /// <summary>The logits output, in both models.</summary>
    public string Logits { get; }

    public IReadOnlyList<CarriedTensor> Carried { get; }

    /// <summary>The per-step scalar inputs (learning rate and the optimizer's corrections).</summary>
    public IReadOnlyList<string> ScalarInputs { get; }

    /// <summary>One input per feature term, in the order of the loss settings.</summary>
    public IReadOnlyList<string> FeatureTeacherInputs { get; }

    public bool HasTeacherTarget { get; }

    /// <summary>Trainable tensors the loss does not depend on (a dead branch): carried unchanged, and reported.</summary>
    public IReadOnlyList<string> Unreached { get; }

    /// <summary>The dropout masks the trainer draws and feeds per step, beside the data inputs.</summary>
    public IReadOnlyList<DropoutTraining.Mask> DropoutMasks { get; }

    public IEnumerable<CarriedTensor> Parameters => Carried.Where(c => c.Kind == CarriedKind.Parameter);
}
