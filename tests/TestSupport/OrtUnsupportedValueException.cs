// Thrown when a model's input or output is a kind of value the ORT helpers do not carry.
namespace Onnxc.TestSupport;

/// <summary>
/// The model has an input or output the called helper does not carry: for <see cref="OrtRunner.Run(IReadOnlyDictionary{string, OrtTensor})"/>
/// anything but a dense tensor, for <see cref="OrtRunner.RunValues"/> a map, a sparse tensor, or a sequence or
/// optional of those, or a value ORT itself refuses to create (an empty sequence). Tests record the message as the
/// reason a case was skipped or not runnable, so such cases are counted rather than silently dropped.
/// </summary>
public sealed class OrtUnsupportedValueException : Exception
{
    public OrtUnsupportedValueException(string message)
        : base(message)
    {
    }

    /// <summary>For a value ORT itself refused to create; <paramref name="inner"/> is ORT's error.</summary>
    public OrtUnsupportedValueException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
