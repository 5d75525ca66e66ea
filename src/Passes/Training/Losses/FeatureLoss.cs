// A feature-distillation term of the loss.
namespace Onnxc.Passes.Training.Losses;

/// <summary>A feature-matching term: β·mean((student − teacher)²) between two tensors of the same shape.</summary>
public sealed record FeatureLoss(string Student, string Teacher, double Weight = 1.0);
