// The knowledge-distillation term of the loss.
namespace Onnxc.Passes.Training.Losses;

/// <summary>Distillation from soft teacher targets at temperature T, weighted α against the label loss.</summary>
public sealed record DistillationSettings(double Temperature, double Alpha);
