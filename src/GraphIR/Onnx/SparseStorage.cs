// ONNX's sparse_initializer: float weights stored as their nonzero values and int64 positions, and back.
using Google.Protobuf;

namespace Onnxc.GraphIR.Onnx;

/// <summary>One initializer as the exporter stores it sparse: its sizes dense and sparse.</summary>
public sealed record SparseStorageEntry(string Name, long Elements, long NonZeros, long DenseBytes, long SparseBytes);

/// <summary>
/// A sparse_initializer is a SparseTensorProto: <c>values</c> (the nonzero elements, dims [NNZ], named after the
/// tensor), <c>indices</c> (INT64 — the only index type ONNX's checker accepts — either [NNZ] positions in the
/// flattened tensor, ascending, or [NNZ, rank] coordinates) and the dense <c>dims</c>. With 8-byte indices a float
/// weight is smaller sparse only when more than two thirds of it is zero; int8 weights never are. ONNX Runtime
/// turns every sparse initializer into a dense tensor when it loads the model, so the form saves file size, never
/// time or memory at run time.
/// </summary>
public static class SparseStorage
{
    /// <summary>The sparse form is used only when it is at least this share smaller than the dense one.</summary>
    public const double MinSaving = 0.1;

    /// <summary>Smaller tensors stay dense: the message around a sparse tensor costs more than it could save.</summary>
    public const long MinDenseBytes = 1024;

    private const int IndexBytes = sizeof(long);

    /// <summary>
    /// The main graph's dense float initializers (not graph inputs, data in memory) that the exporter writes sparse
    /// when asked to (<see cref="OnnxSaveOptions.SparseInitializers"/>): those whose sparse form saves at least
    /// <see cref="MinSaving"/>, of at least <see cref="MinDenseBytes"/>.
    /// </summary>
    public static IReadOnlyList<SparseStorageEntry> Plan(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entries = new List<SparseStorageEntry>();
        foreach (Value v in model.Graph.Initializers)
        {
            if (v.Initializer is not { ElementType: ElementType.Float, Storage: not ExternalTensorStorage } data || v.IsGraphInput || data.ElementCount == 0)
            {
                continue;
            }

            long nonZeros = CountNonZeros(data.GetBytes().Span);
            long dense = data.ElementCount * sizeof(float);
            long sparse = nonZeros * (sizeof(float) + IndexBytes);
            if (dense >= MinDenseBytes && sparse <= (1 - MinSaving) * dense)
            {
                entries.Add(new SparseStorageEntry(v.Name, data.ElementCount, nonZeros, dense, sparse));
            }
        }

        return entries;
    }

    /// <summary>The SparseTensorProto of a dense float tensor: its nonzero values and their ascending linear positions.</summary>
    internal static SparseTensorProto ToProto(string name, TensorData data)
    {
        ReadOnlySpan<float> w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data.GetBytes().Span);
        var values = new List<float>();
        var indices = new List<long>();
        for (int i = 0; i < w.Length; i++)
        {
            // Bitwise: -0.0 is kept as a value, so the dense tensor comes back bit-exact.
            if (BitConverter.SingleToInt32Bits(w[i]) != 0)
            {
                values.Add(w[i]);
                indices.Add(i);
            }
        }

        var valuesProto = new TensorProto { Name = name, DataType = (int)ElementType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.ToArray().AsSpan())) };
        valuesProto.Dims.Add(values.Count);
        var indicesProto = new TensorProto { DataType = (int)ElementType.Int64, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(indices.ToArray().AsSpan())) };
        indicesProto.Dims.Add(indices.Count);
        var proto = new SparseTensorProto { Values = valuesProto, Indices = indicesProto };
        proto.Dims.AddRange(data.Dims);
        return proto;
    }

    /// <summary>
    /// Turns every sparse initializer of the main graph into a dense one, so passes can read and rewrite it (they
    /// never edit the sparse form). Returns how many. A malformed sparse tensor is an <see cref="InvalidModelException"/>
    /// naming it.
    /// </summary>
    public static int Densify(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int count = 0;
        foreach (Value v in model.Graph.Initializers.Where(v => v.SparseInitializer is not null).ToList())
        {
            SparseTensorProto s = SparseTensorProto.Parser.ParseFrom(v.SparseInitializer);
            v.Initializer = Dense(v.Name, s);
            v.SparseInitializer = null;
            v.Type = new TensorType(v.Initializer.ElementType, v.Initializer.Shape);
            model.CountChange();
            count++;
        }

        return count;
    }

    private static TensorData Dense(string name, SparseTensorProto s)
    {
        string label = $"sparse initializer '{name}'";
        if (s.Values is null || s.Indices is null)
        {
            throw new InvalidModelException($"{label} has no {(s.Values is null ? "values" : "indices")}");
        }

        TensorData values = OnnxImporter.ConvertInline(s.Values);
        TensorData indices = OnnxImporter.ConvertInline(s.Indices);
        if (indices.ElementType != ElementType.Int64 || values.Storage is StringTensorStorage)
        {
            throw new InvalidModelException($"{label}: indices must be INT64 and values numeric (they are {indices.ElementType.OnnxName()} and {values.ElementType.OnnxName()})");
        }

        long[] dims = [.. s.Dims];
        long elements;
        try
        {
            elements = TensorData.CountElements(dims);
        }
        catch (ArgumentException e)
        {
            throw new InvalidModelException($"{label}: {e.Message}");
        }

        long nnz = values.ElementCount;
        long[] at = indices.ToInt64s();
        if (indices.Dims.Length == 2 && indices.Dims[0] == nnz && indices.Dims[1] == dims.Length)
        {
            at = Linearize(at, dims, nnz, label);
        }
        else if (!(indices.Dims.Length == 1 && indices.Dims[0] == nnz))
        {
            throw new InvalidModelException($"{label}: indices of shape [{string.Join(",", indices.Dims)}] do not match {nnz} values of a rank-{dims.Length} tensor");
        }

        int size = (int)values.ElementType.ByteCount(1);
        ReadOnlySpan<byte> from = values.GetBytes().Span;
        byte[] dense = new byte[values.ElementType.ByteCount(elements)];
        for (long i = 0; i < nnz; i++)
        {
            if (at[i] < 0 || at[i] >= elements)
            {
                throw new InvalidModelException($"{label}: index {at[i]} is outside its {elements} elements");
            }

            from.Slice((int)(i * size), size).CopyTo(dense.AsSpan((int)(at[i] * size), size));
        }

        return TensorData.FromBytes(values.ElementType, dims, dense);
    }

    private static long[] Linearize(long[] coordinates, long[] dims, long nnz, string label)
    {
        var result = new long[nnz];
        for (long i = 0; i < nnz; i++)
        {
            long p = 0;
            for (int d = 0; d < dims.Length; d++)
            {
                long c = coordinates[(i * dims.Length) + d];
                p = (p * dims[d]) + (c >= 0 && c < dims[d] ? c : throw new InvalidModelException($"{label}: coordinate {c} is outside dimension {d} of size {dims[d]}"));
            }

            result[i] = p;
        }

        return result;
    }

    private static long CountNonZeros(ReadOnlySpan<byte> floats)
    {
        ReadOnlySpan<int> bits = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(floats);
        long n = 0;
        foreach (int b in bits)
        {
            n += b != 0 ? 1 : 0;
        }

        return n;
    }
}
