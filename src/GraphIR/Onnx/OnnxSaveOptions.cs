// Options of the ONNX exporter.
namespace Onnxc.GraphIR.Onnx;

public sealed record OnnxSaveOptions
{
    public ExternalDataMode ExternalData { get; init; } = ExternalDataMode.Auto;

    /// <summary>The external data file's name, beside the model; default: the model's file name + ".data".</summary>
    public string? ExternalDataFileName { get; init; }

    /// <summary>
    /// Write the main graph's float initializers that are mostly zero as sparse_initializer (see
    /// <see cref="SparseStorage.Plan"/>): a smaller file, the same model for any runtime.
    /// </summary>
    public bool SparseInitializers { get; init; }

    /// <summary>Tensors smaller than this stay inside the model even when data goes external.</summary>
    public long ExternalThresholdBytes { get; init; } = 1024;
}
