// The one exception the sample-data reader throws for bad user data; the driver prints its message and exits 2.
namespace Onnxc.Evaluation.Data;

/// <summary>
/// Bad calibration or evaluation data: a wrong shape or dtype, an empty folder, a corrupt image, a label count
/// that does not match, NaN/Inf, or a preprocess string that does not parse. The message is one line and names
/// the file (or the option) at fault, so the driver can print it as is.
/// </summary>
public sealed class SampleDataException : Exception
{
    public SampleDataException(string message)
        : base(message)
    {
    }

    public SampleDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
