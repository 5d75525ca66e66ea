// Thrown when a model's input or output is a kind of value the ORT helpers do not carry.
namespace Onnxc.TestSupport;

/// <summary>
/// The model has an input or output the called helper does not carry: for <see cref="OrtRunner.Run(IReadOnlyDictionary{string, OrtTensor})"/>
/// anything but a dense tensor, for <see cref="OrtRunner.RunValues"/> a map, a sparse tensor, or a sequence or
/// optional of those. Tests record the message as the reason a case was skipped, so such cases are counted rather
/// than silently dropped.
/// </summary>
public sealed class OrtUnsupportedValueException(string message) : Exception(message);
