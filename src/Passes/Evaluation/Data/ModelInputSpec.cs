// A model input described by plain values, so the data reader does not depend on the IR.
namespace Onnxc.Evaluation.Data;

/// <summary>
/// One graph input the samples are made for: its name, element type, and dimensions, with -1 for a dynamic or
/// symbolic dimension. For images and .npy arrays, dimension 0 is the batch axis.
/// </summary>
public sealed record ModelInputSpec(string Name, SampleElementType ElementType, long[] Dims)
{
    /// <summary>A float32 input, the only kind sample data feeds.</summary>
    public static ModelInputSpec Float32(string name, params long[] dims) =>
        new(name, SampleElementType.Float32, dims);

    /// <summary>The dimensions as text, "[N,3,224,224]" style with "?" for dynamic ones, for messages.</summary>
    public string DimsText => SampleShapes.Format(Dims);
}
