// The one exception type for a model that cannot be read, is malformed, or fails verification.
namespace Onnxc.GraphIR;

/// <summary>
/// A model (or data file) is invalid or unsupported. <see cref="Exception.Message"/> is a single line that names
/// the file and, where there is one, the node; the driver prints it as is and exits with code 2.
/// </summary>
public sealed class InvalidModelException : Exception
{
    public InvalidModelException(string detail, string? filePath = null, string? node = null, Exception? inner = null)
        : base(Format(detail, filePath, node), inner)
    {
        Detail = detail;
        FilePath = filePath;
        Node = node;
    }

    public string Detail { get; }

    public string? FilePath { get; }

    /// <summary>The node the problem is at, as <see cref="GraphIR.Node.Describe"/> says it, when there is one.</summary>
    public string? Node { get; }

    /// <summary>The same problem, attributed to <paramref name="filePath"/> when it had no file yet.</summary>
    public InvalidModelException InFile(string filePath) =>
        FilePath is null ? new InvalidModelException(Detail, filePath, Node, this) : this;

    private static string Format(string detail, string? filePath, string? node)
    {
        string where = filePath is null ? string.Empty : filePath + ": ";
        string at = node is null ? string.Empty : $"node {node}: ";
        return (where + at + detail).ReplaceLineEndings(" ");
    }
}
