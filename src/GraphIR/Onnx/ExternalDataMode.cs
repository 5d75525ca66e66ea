// When the exporter writes tensor data to a separate file instead of inside the model.
namespace Onnxc.GraphIR.Onnx;

public enum ExternalDataMode
{
    /// <summary>External data only when the model would pass protobuf's 2 GiB limit, or when the source kept tensors external.</summary>
    Auto,

    /// <summary>Every tensor at or above the size threshold goes to the external file.</summary>
    Always,

    /// <summary>Everything inside the model file; fails if that passes 2 GiB.</summary>
    Never,
}
