// Samples from ONNX test-data folders: test_data_set_*/input_*.pb, each set one run of the model.
using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Evaluation.Data;

/// <summary>
/// The ONNX backend-test layout: a folder of <c>test_data_set_N</c> folders (ordered by N), or one such folder,
/// each holding <c>input_0.pb</c> … <c>input_{k-1}.pb</c>, serialized TensorProtos for the model's k inputs.
/// Tensors map to inputs by name when every tensor is named with a distinct model input name, otherwise by
/// position. Each set is one batch exactly as stored: its shapes must fit the input dimensions, its tensors must
/// be float32 and finite. Preprocessing does not apply.
/// </summary>
internal sealed class TestDataSampleSet : SampleSet
{
    private const string SetPrefix = "test_data_set_";

    private readonly string[] _sets;

    private TestDataSampleSet(string path, IReadOnlyList<ModelInputSpec> inputs, string[] sets)
        : base(path, inputs)
    {
        _sets = sets;
    }

    public override int Count => _sets.Length;

    public override bool HasLabels => false;

    public override int? FixedBatchSize => null;

    public override string Description =>
        $"{Path}: {Count} ONNX test-data sets for inputs {string.Join(", ", Inputs.Select(i => $"'{i.Name}' {i.DimsText}"))}";

    public static bool IsTestData(string path) =>
        Directory.EnumerateDirectories(path, SetPrefix + "*").Any() || Directory.EnumerateFiles(path, "input_*.pb").Any();

    public static TestDataSampleSet Create(string path, IReadOnlyList<ModelInputSpec> inputs, PreprocessOptions preprocess)
    {
        if (!preprocess.Equals(PreprocessOptions.None))
        {
            throw new SampleDataException($"{path}: --preprocess does not apply to ONNX test data (its tensors are fed as stored)");
        }

        string[] sets = Directory.EnumerateFiles(path, "input_*.pb").Any()
            ? [path]
            : Directory.EnumerateDirectories(path, SetPrefix + "*")
                .OrderBy(SetNumber)
                .ThenBy(d => d, StringComparer.Ordinal)
                .ToArray();
        var set = new TestDataSampleSet(path, inputs, sets);
        foreach (string dir in sets)
        {
            CheckFiles(dir, inputs.Count);
        }

        // Read the first set now, so a dtype or shape mismatch fails at open time.
        set.ReadSet(0);
        return set;
    }

    public override IEnumerable<SampleBatch> Batches(int batchSize, IReadOnlyList<int>? indices = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        indices ??= Enumerable.Range(0, Count).ToArray();
        CheckIndices(indices);
        return Iterate(indices);
    }

    private IEnumerable<SampleBatch> Iterate(IReadOnlyList<int> indices)
    {
        foreach (int index in indices)
        {
            yield return new SampleBatch(ReadSet(index), [index], labels: null);
        }
    }

    private static long SetNumber(string dir) =>
        long.TryParse(System.IO.Path.GetFileName(dir).AsSpan(SetPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : long.MaxValue;

    private static void CheckFiles(string dir, int inputCount)
    {
        for (int k = 0; k < inputCount; k++)
        {
            string file = System.IO.Path.Combine(dir, $"input_{k}.pb");
            if (!File.Exists(file))
            {
                throw new SampleDataException($"{file}: missing; the model has {inputCount} input(s)");
            }
        }

        string extra = System.IO.Path.Combine(dir, $"input_{inputCount}.pb");
        if (File.Exists(extra))
        {
            throw new SampleDataException($"{extra}: the model has only {inputCount} input(s)");
        }
    }

    private InputTensor[] ReadSet(int index)
    {
        string dir = _sets[index];
        var protos = new TensorProto[Inputs.Count];
        var files = new string[Inputs.Count];
        for (int k = 0; k < protos.Length; k++)
        {
            files[k] = System.IO.Path.Combine(dir, $"input_{k}.pb");
            protos[k] = Parse(files[k]);
        }

        // Map by name only when the names say unambiguously which input each tensor is.
        var inputIndex = Inputs.Select((input, i) => (input.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        bool byName = protos.All(p => p.HasName && inputIndex.ContainsKey(p.Name))
            && protos.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() == protos.Length;
        var tensors = new InputTensor[Inputs.Count];
        for (int k = 0; k < protos.Length; k++)
        {
            int target = byName ? inputIndex[protos[k].Name] : k;
            tensors[target] = ToTensor(protos[k], Inputs[target], files[k]);
        }

        return tensors;
    }

    private static TensorProto Parse(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return TensorProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SampleDataException($"{file}: not a serialized TensorProto ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new SampleDataException($"{file}: cannot be read ({e.Message})", e);
        }
    }

    private static InputTensor ToTensor(TensorProto proto, ModelInputSpec input, string file)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new SampleDataException($"{file}: external tensor data is not supported");
        }

        if (proto.DataType != (int)TensorProto.Types.DataType.Float)
        {
            string type = Enum.IsDefined(typeof(TensorProto.Types.DataType), proto.DataType)
                ? ((TensorProto.Types.DataType)proto.DataType).ToString().ToUpperInvariant()
                : proto.DataType.ToString(CultureInfo.InvariantCulture);
            throw new SampleDataException($"{file}: tensor is {type}, input '{input.Name}' takes float32");
        }

        long[] shape = [.. proto.Dims];
        if (shape.Any(d => d < 0) || !SampleShapes.Fits(shape, input.Dims))
        {
            throw new SampleDataException(
                $"{file}: shape {SampleShapes.Format(shape)} does not fit input '{input.Name}' {input.DimsText}");
        }

        long count = SampleShapes.ElementCount(shape);
        float[] data;
        if (proto.HasRawData)
        {
            if (proto.RawData.Length != count * 4)
            {
                throw new SampleDataException($"{file}: raw_data has {proto.RawData.Length} bytes, shape {SampleShapes.Format(shape)} needs {count * 4}");
            }

            data = new float[count];
            var raw = proto.RawData.Span;
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
            }
        }
        else
        {
            if (proto.FloatData.Count != count)
            {
                throw new SampleDataException($"{file}: float_data has {proto.FloatData.Count} values, shape {SampleShapes.Format(shape)} needs {count}");
            }

            data = [.. proto.FloatData];
        }

        int bad = Array.FindIndex(data, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new SampleDataException($"{file}: contains NaN or Inf (at element {bad})");
        }

        return new InputTensor(input.Name, shape, data);
    }
}
