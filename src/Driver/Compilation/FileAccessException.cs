// A file the command needs could not be read or written (permissions, disk full): exit 2, not an internal error.
namespace Onnxc.Compilation;

/// <summary>
/// Thrown only by the driver's own file handling, so an <see cref="IOException"/> escaping from deeper code is
/// still treated as the bug it is. The message is one line that names the file.
/// </summary>
public sealed class FileAccessException(string message, Exception inner) : Exception(message, inner);
