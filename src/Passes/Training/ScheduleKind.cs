// The shapes of learning-rate schedule a training run can follow.
namespace Onnxc.Passes.Training;

public enum ScheduleKind
{
    Constant,

    /// <summary>η_t = η·½(1 + cos(π·p)), p the fraction of the post-warm-up steps done.</summary>
    Cosine,

    /// <summary>η_t = η·γ^⌊epoch / every⌋.</summary>
    Step,
}
