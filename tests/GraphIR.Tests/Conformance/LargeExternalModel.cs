// Writes a model whose weights (over 2 GiB, one tensor alone over 2 GiB) sit in an external data file.
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.GraphIR.Tests.Conformance;

/// <summary>
/// A model file plus <c>weights.data</c> holding two FLOAT initializers: <c>w_big</c> of 2.125 GiB (more than an
/// array or a protobuf message can hold) and <c>w_small</c> of 8 MiB. The graph gathers a few elements of each
/// at indices given as inputs, so ORT runs it while touching almost none of the weights. The weights are
/// generated chunk by chunk straight into the file; element i of tensor t is a float in [1, 2) whose mantissa
/// is a hash of (t, i), so a tensor read from the wrong offset or file gives other values.
/// </summary>
public static class LargeExternalModel
{
    public const string DataFileName = "weights.data";

    /// <summary>(name, element count); offsets in the data file are aligned to 64 KiB as ORT prefers for mapping.</summary>
    public static readonly IReadOnlyList<(string Name, long Elements)> Weights =
    [
        ("w_big", (1L << 29) + (1L << 25)),
        ("w_small", 1L << 21),
    ];

    public static long TotalWeightBytes => Weights.Sum(w => w.Elements * sizeof(float));

    /// <summary>The bytes of the data file plus headroom for the round-tripped copy.</summary>
    public static long DiskBytesNeeded => 2 * TotalWeightBytes + (256L << 20);

    /// <summary>Element <paramref name="i"/> of weight <paramref name="t"/>.</summary>
    public static float Element(int t, long i)
    {
        ulong h = ((ulong)i + 1) * 0x9E3779B97F4A7C15UL ^ (ulong)(t + 1) * 0xC2B2AE3D27D4EB4FUL;
        h ^= h >> 29;
        return BitConverter.Int32BitsToSingle(0x3F800000 | (int)(h & 0x7FFFFF));
    }

    /// <summary>Writes <c>model.onnx</c> and <see cref="DataFileName"/> into <paramref name="folder"/>; returns the model path.</summary>
    public static string Write(string folder)
    {
        var graph = new GraphProto { Name = "large_external" };
        string dataPath = Path.Combine(folder, DataFileName);
        using (var data = new FileStream(dataPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var chunk = new float[1 << 20];
            for (int t = 0; t < Weights.Count; t++)
            {
                (string name, long elements) = Weights[t];
                long offset = AlignUp(data.Position, 1 << 16);
                data.SetLength(offset);
                data.Position = offset;
                for (long start = 0; start < elements; start += chunk.Length)
                {
                    int n = (int)Math.Min(chunk.Length, elements - start);
                    for (int j = 0; j < n; j++)
                    {
                        chunk[j] = Element(t, start + j);
                    }

                    data.Write(MemoryMarshal.AsBytes(chunk.AsSpan(0, n)));
                }

                var tensor = new TensorProto
                {
                    Name = name,
                    DataType = (int)ElementType.Float,
                    DataLocation = TensorProto.Types.DataLocation.External,
                };
                tensor.Dims.Add(elements);
                tensor.ExternalData.Add(Entry("location", DataFileName));
                tensor.ExternalData.Add(Entry("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                tensor.ExternalData.Add(Entry("length", (elements * sizeof(float)).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                graph.Initializer.Add(tensor);

                string indices = "idx_" + name[2..];
                string gathered = "out_" + name[2..];
                graph.Input.Add(TensorValue(indices, ElementType.Int64, IndexCount));
                graph.Output.Add(TensorValue(gathered, ElementType.Float, IndexCount));
                graph.Node.Add(new NodeProto { Name = "gather_" + name[2..], OpType = "Gather", Input = { name, indices }, Output = { gathered } });
            }
        }

        var model = new ModelProto { IrVersion = 8, ProducerName = "onnxc-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        string modelPath = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(modelPath, model.ToByteArray());
        return modelPath;
    }

    public const int IndexCount = 6;

    /// <summary>The indices fed for weight <paramref name="t"/>: both ends, the middle, and points near 2^29 and 2^31 bytes.</summary>
    public static long[] Indices(int t)
    {
        long n = Weights[t].Elements;
        return [0, 1, n / 2, Math.Min(n - 1, (1L << 27) + 3), Math.Min(n - 1, (1L << 29) + 7), n - 1];
    }

    /// <summary>
    /// SHA-256 of each initializer's payload in a saved model, streamed from wherever it lives: external data
    /// ranges are hashed from their file in 1 MiB chunks, inline tensors from raw_data.
    /// </summary>
    public static Dictionary<string, string> HashInitializers(string modelPath)
    {
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (TensorProto tensor in model.Graph.Initializer)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                Dictionary<string, string> info = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
                long offset = info.TryGetValue("offset", out string? o) ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 0;
                string file = Path.Combine(folder, info["location"]);
                long length = info.TryGetValue("length", out string? l)
                    ? long.Parse(l, System.Globalization.CultureInfo.InvariantCulture)
                    : new FileInfo(file).Length - offset;
                HashRange(sha, file, offset, length);
            }
            else
            {
                sha.AppendData(tensor.RawData.Span);
            }

            hashes[tensor.Name] = Convert.ToHexString(sha.GetHashAndReset());
        }

        return hashes;
    }

    private static void HashRange(IncrementalHash sha, string file, long offset, long length)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        stream.Position = offset;
        var buffer = new byte[1 << 20];
        while (length > 0)
        {
            int n = (int)Math.Min(buffer.Length, length);
            stream.ReadExactly(buffer, 0, n);
            sha.AppendData(buffer, 0, n);
            length -= n;
        }
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };

    private static ValueInfoProto TensorValue(string name, ElementType type, long length)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = length });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
