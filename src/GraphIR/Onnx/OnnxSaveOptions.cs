// Options of the ONNX exporter.
namespace Onnxc.GraphIR.Onnx;

public sealed record OnnxSaveOptions
{
    public ExternalDataMode ExternalData { get; init; } = ExternalDataMode.Auto;

    /// <summary>The external data file's name, beside the model; default: the model's file name + ".data".</summary>
    public string? ExternalDataFileName { get; init; }

    /// <summary>Tensors smaller than this stay inside the model even when data goes external.</summary>
    public long ExternalThresholdBytes { get; init; } = 1024;
}
