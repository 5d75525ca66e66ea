// What a pass needs before it can run: shapes, calibration data, a target description.
namespace Onnxc.Passes;

[Flags]
public enum PassRequirements
{
    None = 0,

    /// <summary>Value types and shapes must be inferred first; the pass manager runs shape inference before it.</summary>
    Shapes = 1,

    /// <summary>A calibration table must be available in the <see cref="PassContext"/>.</summary>
    Calibration = 2,

    /// <summary>A target description must be available in the <see cref="PassContext"/>.</summary>
    Target = 4,
}
