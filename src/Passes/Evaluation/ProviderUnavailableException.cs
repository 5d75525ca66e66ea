// An execution provider was asked for that this ONNX Runtime build or this machine cannot give.
namespace Onnxc.Evaluation;

/// <summary>
/// Thrown when a session cannot be made on the requested provider. The message is one line that names what is
/// missing: the provider in this ORT build, or the shared library the provider could not load (for CUDA, e.g.
/// <c>libcublasLt.so.13</c>).
/// </summary>
public sealed class ProviderUnavailableException(string message, Exception inner) : Exception(message, inner);
