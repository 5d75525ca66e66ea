// Resolves external-data locations safely: inside the model's folder, with symbolic links followed.
namespace Onnxc.GraphIR.Onnx;

internal static class ExternalDataPaths
{
    /// <summary>The absolute path of <paramref name="location"/>, or an error when it escapes <paramref name="baseDirectory"/>.</summary>
    public static string Resolve(string baseDirectory, string location, string label)
    {
        if (Path.IsPathRooted(location) || location.StartsWith('/') || location.StartsWith('\\') || (location.Length > 1 && location[1] == ':'))
        {
            throw new InvalidModelException($"{label}: external data location '{location}' is an absolute path; it must be relative to the model's folder");
        }

        string[] parts = location.Split('/', '\\');
        if (parts.Any(p => p == ".."))
        {
            throw new InvalidModelException($"{label}: external data location '{location}' climbs out of the model's folder with '..'");
        }

        string root = RealPath(Path.GetFullPath(baseDirectory));
        string full = Path.GetFullPath(Path.Combine(baseDirectory, location));
        if (!File.Exists(full))
        {
            throw new InvalidModelException($"{label}: external data file '{location}' does not exist");
        }

        string real = RealPath(full);
        string prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!real.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidModelException($"{label}: external data location '{location}' resolves through a symbolic link to '{real}', outside the model's folder");
        }

        return real;
    }

    /// <summary>The path with every symbolic link on it resolved, component by component.</summary>
    public static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full)!;
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            for (int hops = 0; info.LinkTarget is not null; hops++)
            {
                if (hops > 40)
                {
                    throw new InvalidModelException($"too many levels of symbolic links at '{next}'");
                }

                string target = Path.GetFullPath(info.LinkTarget, Path.GetDirectoryName(next)!);
                next = RealPath(target);
                info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            }

            current = next;
        }

        return current;
    }
}
