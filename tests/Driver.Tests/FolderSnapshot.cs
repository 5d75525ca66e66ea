// Every file under a folder with a hash of its bytes, to show that a failed command wrote nothing and changed nothing.
using System.Security.Cryptography;

namespace Onnxc.Driver.Tests;

internal static class FolderSnapshot
{
    /// <summary>Relative path -> SHA-256 of the content (symbolic links: their target, not followed).</summary>
    public static SortedDictionary<string, string> Take(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var info = new FileInfo(path);
            string key = Path.GetRelativePath(root, path);
            if (info.LinkTarget is { } target)
            {
                result[key] = "link -> " + target;
            }
            else if (Directory.Exists(path))
            {
                result[key] = "folder";
            }
            else
            {
                result[key] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            }
        }

        return result;
    }
}
