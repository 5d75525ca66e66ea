// Text outputs written beside their final name and renamed into place, so a failed write leaves no partial file.
using System.Text;

namespace Onnxc.Compilation;

internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="text"/> to PATH.tmp, then renames it to <paramref name="path"/>; a failure removes the
    /// temporary file and is a <see cref="FileAccessException"/> naming the path and <paramref name="what"/>.
    /// </summary>
    public static void WriteText(string path, string text, Encoding encoding, string what, bool overwrite = true)
    {
        string temp = path + ".tmp";
        try
        {
            File.WriteAllText(temp, text, encoding);
            File.Move(temp, path, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new FileAccessException($"{path}: cannot write {what}: {e.Message}", e);
        }
    }
}
