// Thrown when a model's input or output is not a dense tensor, which the ORT helpers do not carry.
namespace Onnxc.TestSupport;

/// <summary>
/// The model has a sequence, map, optional or sparse input or output. Tests record the message as the reason a
/// case was skipped, so such cases are counted rather than silently dropped.
/// </summary>
public sealed class OrtUnsupportedValueException(string message) : Exception(message);
