// Which ONNX Runtime execution provider a session runs on.
namespace Onnxc.Evaluation;

/// <summary>
/// <see cref="Cpu"/> is ORT's default provider and always there. <see cref="Cuda"/> needs ORT's GPU build
/// (Microsoft.ML.OnnxRuntime.Gpu: onnxc built with <c>-p:OnnxcOrt=gpu</c>) and CUDA's libraries on the machine;
/// nodes the CUDA provider has no kernel for (ORT's CUDA provider has no INT8 Conv or MatMul) fall back to the CPU.
/// </summary>
public enum ExecutionProvider
{
    Cpu,
    Cuda,
}
