// The element types a model input fed from sample data may have.
namespace Onnxc.Evaluation.Data;

/// <summary>
/// Element type of a model input as the sample reader sees it. Calibration and evaluation feed images and
/// arrays, which always become float32; integer inputs (token ids, say) are not sample data this reader makes.
/// </summary>
public enum SampleElementType
{
    Float32,
}
