// Whether weights get one scale per output channel or one per tensor.
namespace Onnxc.Passes.Quantization;

public enum WeightGranularity
{
    PerChannel,
    PerTensor,
}
