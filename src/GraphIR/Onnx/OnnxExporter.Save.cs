// Saves a model to disk: decides on external data, writes temporary files, then renames them into place.
using Google.Protobuf;

namespace Onnxc.GraphIR.Onnx;

public static partial class OnnxExporter
{
    /// <summary>Keep a margin under protobuf's 2 GiB limit for everything that is not tensor data.</summary>
    private const long InlineLimitBytes = int.MaxValue - (64L << 20);

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> (and its external data file beside it when needed)
    /// through temporary files and a rename. Returns the path of the external data file, or null when none was written.
    /// </summary>
    public static string? Save(Model model, string path, OnnxSaveOptions? options = null)
    {
        options ??= new OnnxSaveOptions();
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
        {
            throw new InvalidModelException("the output folder does not exist", path);
        }

        long tensorBytes = InitializerBytes(model, out bool anyExternal);
        bool external = options.ExternalData switch
        {
            ExternalDataMode.Always => true,
            ExternalDataMode.Never => false,
            _ => anyExternal || tensorBytes > InlineLimitBytes,
        };
        if (!external && tensorBytes > InlineLimitBytes)
        {
            throw new InvalidModelException($"the model's {tensorBytes} bytes of weights do not fit in one protobuf file (2 GiB); use external data", path);
        }

        string dataName = options.ExternalDataFileName ?? Path.GetFileName(fullPath) + ".data";
        string dataPath = Path.Combine(directory, dataName);
        string token = Guid.NewGuid().ToString("N")[..12];
        string tempModel = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{token}.tmp");
        string tempData = Path.Combine(directory, $".{dataName}.{token}.tmp");
        bool wroteData = false;
        try
        {
            ModelProto proto;
            if (external)
            {
                // Auto mode under the limit: keep external what the source kept external, inline the rest.
                bool externalOnly = options.ExternalData == ExternalDataMode.Auto && tensorBytes <= InlineLimitBytes;
                long threshold = options.ExternalThresholdBytes;
                using var writer = new ExternalDataWriter(tempData, dataName, threshold, externalOnly);
                proto = ToProto(model, writer, options.SparseInitializers);
                wroteData = writer.BytesWritten > 0;
            }
            else
            {
                proto = ToProto(model, externalWriter: null, options.SparseInitializers);
            }

            using (var stream = new FileStream(tempModel, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                proto.WriteTo(stream);
            }

            if (wroteData)
            {
                File.Move(tempData, dataPath, overwrite: true);
            }

            File.Move(tempModel, fullPath, overwrite: true);
            return wroteData ? dataPath : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidModelException("cannot write the output: " + e.Message, path, inner: e);
        }
        finally
        {
            TryDelete(tempModel);
            TryDelete(tempData);
        }
    }

    /// <summary>The bytes of all initializers in every graph, and whether any of them is stored externally now.</summary>
    private static long InitializerBytes(Model model, out bool anyExternal)
    {
        long total = 0;
        anyExternal = false;
        foreach (Graph g in model.AllGraphs())
        {
            foreach (Value v in g.Initializers)
            {
                if (v.Initializer is { } data)
                {
                    total += data.Storage.ByteLength;
                    anyExternal |= data.IsExternal;
                }
            }
        }

        return total;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is hidden (dot-prefixed) and harmless.
        }
    }
}
