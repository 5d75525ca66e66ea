// Runs a model file in ONNX Runtime (CPU) deterministically and returns its outputs as exact bytes.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnxc.GraphIR;

namespace Onnxc.TestSupport;

/// <summary>
/// One ONNX Runtime session over a model file. Every session is made the same way: the CPU provider, one
/// intra-op and one inter-op thread and sequential execution, because a bit-for-bit comparison of two models
/// needs the same kernels with the same reduction order in both runs; threads split reductions differently
/// depending on timing. The optimization level is a parameter so a test can pin it, but two runs that are
/// compared must use the same one.
/// </summary>
public sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession _session;

    public OrtRunner(string modelPath, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using SessionOptions options = CreateSessionOptions(optimization);
        _session = new InferenceSession(modelPath, options);
        InputNames = [.. _session.InputNames];
        OutputNames = [.. _session.OutputNames];
        InputElementTypes = [.. InputNames.Select(n => ElementTypeOf(_session.InputMetadata[n]))];
        NonTensorReason = FindNonTensor("input", _session.InputMetadata) ?? FindNonTensor("output", _session.OutputMetadata);
    }

    /// <summary>Graph inputs ORT wants fed (initializers excluded), in graph order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The element type of each input in <see cref="InputNames"/>; null for non-tensor inputs.</summary>
    public IReadOnlyList<ElementType?> InputElementTypes { get; }

    /// <summary>
    /// Why this helper cannot run the model (an input or output that is a sequence, map, optional or sparse
    /// tensor), or null when every input and output is a dense tensor.
    /// </summary>
    public string? NonTensorReason { get; }

    /// <summary>The session options every runner uses; see the class comment for why.</summary>
    public static SessionOptions CreateSessionOptions(GraphOptimizationLevel optimization)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = optimization,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };

        // Per-session thread pools with one thread each; no spinning threads left behind between runs.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    /// <summary>Opens <paramref name="modelPath"/>, runs it once on <paramref name="inputs"/> (by name) and closes it.</summary>
    public static IReadOnlyList<OrtTensor> RunOnce(
        string modelPath,
        IReadOnlyDictionary<string, OrtTensor> inputs,
        GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var runner = new OrtRunner(modelPath, optimization);
        return runner.Run(inputs);
    }

    /// <summary>Runs with inputs given in the order of <see cref="InputNames"/>; returns every output in the order of <see cref="OutputNames"/>.</summary>
    public IReadOnlyList<OrtTensor> Run(IReadOnlyList<OrtTensor> inputs)
    {
        if (inputs.Count != InputNames.Count)
        {
            throw new ArgumentException($"the model takes {InputNames.Count} inputs ({string.Join(", ", InputNames)}), {inputs.Count} given");
        }

        return Run(InputNames.Zip(inputs).ToDictionary(p => p.First, p => p.Second));
    }

    /// <summary>Runs with inputs by name; returns every output in the order of <see cref="OutputNames"/>.</summary>
    public IReadOnlyList<OrtTensor> Run(IReadOnlyDictionary<string, OrtTensor> inputs)
    {
        if (NonTensorReason is not null)
        {
            throw new OrtUnsupportedValueException(NonTensorReason);
        }

        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (OrtTensor input in inputs.Values)
            {
                values.Add(ToOrtValue(input));
            }

            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs =
                _session.Run(runOptions, [.. inputs.Keys], values, [.. OutputNames]);
            return [.. outputs.Select((o, i) => FromOrtValue(o, OutputNames[i]))];
        }
        finally
        {
            foreach (OrtValue v in values)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>A native tensor holding a copy of <paramref name="tensor"/>; the caller disposes it.</summary>
    public static OrtValue ToOrtValue(OrtTensor tensor)
    {
        long[] shape = [.. tensor.Shape];
        if (tensor.ElementType == ElementType.String)
        {
            OrtValue strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            for (int i = 0; i < tensor.Strings.Length; i++)
            {
                strings.StringTensorSetElementAt(tensor.Strings[i].AsSpan(), i);
            }

            return strings;
        }

        OrtValue value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)tensor.ElementType, shape);
        tensor.Bytes.AsSpan().CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    /// <summary>Copies a native tensor out; sequences, maps and optionals throw <see cref="OrtUnsupportedValueException"/>.</summary>
    public static OrtTensor FromOrtValue(OrtValue value, string name)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw new OrtUnsupportedValueException($"output '{name}' is a {Describe(value.OnnxType)}");
        }

        OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
        var type = (ElementType)(int)info.ElementDataType;
        long[] shape = info.Shape;
        if (type == ElementType.String)
        {
            var strings = new byte[info.ElementCount][];
            for (int i = 0; i < strings.Length; i++)
            {
                strings[i] = value.GetStringElementAsSpan(i).ToArray();
            }

            return OrtTensor.FromStrings(shape, strings);
        }

        return OrtTensor.FromBytes(type, shape, value.GetTensorMutableRawData().ToArray());
    }

    public void Dispose() => _session.Dispose();

    private static string? FindNonTensor(string what, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        foreach ((string name, NodeMetadata m) in metadata)
        {
            if (m.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                return $"{what} '{name}' is a {Describe(m.OnnxValueType)}";
            }
        }

        return null;
    }

    private static ElementType? ElementTypeOf(NodeMetadata m) =>
        m.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR ? (ElementType)(int)m.ElementDataType : null;

    private static string Describe(OnnxValueType type) => type switch
    {
        OnnxValueType.ONNX_TYPE_SEQUENCE => "sequence",
        OnnxValueType.ONNX_TYPE_MAP => "map",
        OnnxValueType.ONNX_TYPE_OPTIONAL => "optional",
        OnnxValueType.ONNX_TYPE_SPARSETENSOR => "sparse tensor",
        _ => type.ToString(),
    };
}
