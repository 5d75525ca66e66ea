// A compile that produced a model which fails self-verification or cannot meet its constraints.
namespace Onnxc.Passes.Quantization;

/// <summary>Thrown on a gross mismatch; <see cref="Summary"/> says what was built and measured.</summary>
public sealed class QuantizationException : Exception
{
    public QuantizationException(string message, CompileSummary? summary = null)
        : base(message)
    {
        Summary = summary;
    }

    public QuantizationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CompileSummary? Summary { get; }
}
