// Runs an IR model (or an ONNX file) in ONNX Runtime on float batches and returns the requested outputs as floats.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Evaluation;

/// <summary>
/// One ONNX Runtime CPU session. Calibration, self-verification and evaluation all go through it, so they run
/// the model exactly as a user's ORT would (graph optimizations on, which is what fuses QDQ groups into integer
/// kernels). Extra intermediate tensors can be exposed as outputs: they are added to a copy of the model, never
/// to the caller's IR.
/// </summary>
public sealed class InferenceRunner : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Inputs the model declares as float16: samples are float32, and are rounded to half on the way in.</summary>
    private readonly HashSet<string> _halfInputs;

    private InferenceRunner(byte[] modelBytes, int threads, IReadOnlyList<string> outputs, ExecutionProvider provider = ExecutionProvider.Cpu, string? profilePrefix = null)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (profilePrefix is not null)
        {
            // The prefix first: setting EnableProfiling hands ORT the prefix it has at that moment.
            options.ProfileOutputPathPrefix = profilePrefix;
            options.EnableProfiling = true;
        }
        if (provider == ExecutionProvider.Cuda)
        {
            AppendCuda(options);
        }

        Provider = provider;
        _session = new InferenceSession(modelBytes, options);
        ModelBytes = modelBytes.LongLength;
        InputNames = [.. _session.InputMetadata.Keys];
        _halfInputs = [.. _session.InputMetadata.Where(kv => kv.Value.IsTensor && kv.Value.ElementDataType == TensorElementType.Float16).Select(kv => kv.Key)];
        OutputNames = outputs.Count > 0 ? outputs : [.. _session.OutputMetadata.Keys];
    }

    /// <summary>The provider the session was made for (nodes it has no kernel for run on the CPU).</summary>
    public ExecutionProvider Provider { get; }

    /// <summary>Size of the serialized model the session was made from.</summary>
    public long ModelBytes { get; }

    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The outputs <see cref="Run"/> returns, in this order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Every output the session has, with ORT's element type and dims (-1 where dynamic).</summary>
    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    /// <summary>A session for <paramref name="model"/>; <paramref name="extraOutputs"/> become outputs of a copy.</summary>
    public static InferenceRunner Create(Model model, IEnumerable<string>? extraOutputs = null, int threads = 0) =>
        Create(model, ExecutionProvider.Cpu, extraOutputs, threads);

    /// <summary>As <see cref="Create(Model, IEnumerable{string}?, int)"/>, on <paramref name="provider"/>.</summary>
    public static InferenceRunner Create(Model model, ExecutionProvider provider, IEnumerable<string>? extraOutputs = null, int threads = 0)
    {
        ModelProto proto = OnnxExporter.ToProto(model);
        var existing = new HashSet<string>(proto.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var outputs = new List<string>(existing);
        foreach (string name in extraOutputs ?? [])
        {
            if (existing.Add(name))
            {
                // No type: ORT infers it, which is what lets us ask for tensors whose type the IR has not inferred.
                proto.Graph.Output.Add(new ValueInfoProto { Name = name });
                outputs.Add(name);
            }
        }

        return new InferenceRunner(Google.Protobuf.MessageExtensions.ToByteArray(proto), threads, extraOutputs is null ? [] : outputs, provider);
    }

    /// <summary>A session for an ONNX file as it is on disk.</summary>
    public static InferenceRunner Open(string path, int threads = 0) => new(File.ReadAllBytes(path), threads, []);

    /// <summary>
    /// A CPU session with ORT's profiler on, writing its trace under <paramref name="profilePrefix"/> (a path
    /// prefix); <see cref="EndProfiling"/> closes the trace and returns its file.
    /// </summary>
    public static InferenceRunner CreateProfiled(Model model, string profilePrefix) =>
        new(Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.ToProto(model)), 0, [], ExecutionProvider.Cpu, profilePrefix);

    /// <summary>Ends a <see cref="CreateProfiled"/> session's trace; returns the trace file's path.</summary>
    public string EndProfiling() => _session.EndProfiling();

    /// <summary>A session for an ONNX file on <paramref name="provider"/>; see <see cref="ProviderUnavailableException"/>.</summary>
    public static InferenceRunner Open(string path, ExecutionProvider provider, int threads = 0) => new(File.ReadAllBytes(path), threads, [], provider);

    /// <summary>
    /// Adds the CUDA provider (device 0), or throws <see cref="ProviderUnavailableException"/> with one line naming
    /// what is missing: ORT's CPU build has no CUDA provider; its GPU build needs CUDA's and cuDNN's libraries.
    /// ORT's own log line about the failure is silenced (the exception says it once).
    /// </summary>
    private static void AppendCuda(SessionOptions options)
    {
        OrtEnv env = OrtEnv.Instance();
        OrtLoggingLevel level = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            options.AppendExecutionProvider_CUDA(0);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new ProviderUnavailableException($"the CUDA execution provider is not available: {WhyNoCuda(e)}", e);
        }
        finally
        {
            env.EnvLogLevel = level;
        }
    }

    /// <summary>
    /// ORT's exception only says the provider library failed to load; loading it ourselves gets the loader's
    /// reason, which names the first missing CUDA library.
    /// </summary>
    private static string WhyNoCuda(Exception e)
    {
        if (e is EntryPointNotFoundException)
        {
            return "this onnxc is built with ONNX Runtime's CPU package (build or pack it with -p:OnnxcOrt=gpu for CUDA)";
        }

        using var self = System.Diagnostics.Process.GetCurrentProcess();
        string? ortFolder = self.Modules.Cast<System.Diagnostics.ProcessModule>()
            .Select(m => m.FileName)
            .FirstOrDefault(f => Path.GetFileName(f) is "libonnxruntime.so" or "onnxruntime.dll" or "libonnxruntime.dylib") is { } ort
            ? Path.GetDirectoryName(ort) : null;
        string provider = Path.Combine(ortFolder ?? AppContext.BaseDirectory,
            OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so");
        if (!File.Exists(provider))
        {
            return "this onnxc is built with ONNX Runtime's CPU package (build or pack it with -p:OnnxcOrt=gpu for CUDA)";
        }

        try
        {
            System.Runtime.InteropServices.NativeLibrary.Free(System.Runtime.InteropServices.NativeLibrary.Load(provider));
        }
        catch (DllNotFoundException load)
        {
            var missing = System.Text.RegularExpressions.Regex.Match(load.Message, @"([\w.+-]+\.so[.\d]*): cannot open shared object file");
            if (missing.Success && missing.Groups[1].Value != Path.GetFileName(provider))
            {
                return $"cannot load {missing.Groups[1].Value} (install CUDA and cuDNN, or put their libraries on LD_LIBRARY_PATH)";
            }
        }

        return e.Message.ReplaceLineEndings(" ");
    }

    /// <summary>ORT's element types of the outputs, keyed by name (what a type probe asks for).</summary>
    public Dictionary<string, TensorElementType> OutputElementTypes() =>
        _session.OutputMetadata.Where(kv => kv.Value.IsTensor).ToDictionary(kv => kv.Key, kv => kv.Value.ElementDataType, StringComparer.Ordinal);

    /// <summary>Runs one batch; returns every output of <see cref="OutputNames"/> (float outputs only) with its shape.</summary>
    public IReadOnlyList<OutputTensor> Run(SampleBatch batch) => Run(batch.Inputs);

    public IReadOnlyList<OutputTensor> Run(IReadOnlyList<InputTensor> inputs) => Run(inputs, OutputNames);

    public IReadOnlyList<OutputTensor> Run(IReadOnlyList<InputTensor> inputs, IReadOnlyList<string> outputNames)
    {
        var values = new OrtValue[inputs.Count];
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                values[i] = CreateInput(inputs[i]);
            }

            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results =
                _session.Run(runOptions, inputs.Select(t => t.Name).ToArray(), values, [.. outputNames]);
            var list = new List<OutputTensor>(results.Count);
            for (int i = 0; i < results.Count; i++)
            {
                OrtValue r = results[i];
                OrtTensorTypeAndShapeInfo info = r.GetTensorTypeAndShape();
                float[] data = info.ElementDataType switch
                {
                    TensorElementType.Float => r.GetTensorDataAsSpan<float>().ToArray(),
                    TensorElementType.Float16 => ToFloats(r.GetTensorDataAsSpan<Float16>()),
                    TensorElementType.UInt8 => ToFloats(r.GetTensorDataAsSpan<byte>()),
                    TensorElementType.Int8 => ToFloats(r.GetTensorDataAsSpan<sbyte>()),
                    _ => [],
                };
                list.Add(new OutputTensor(outputNames[i], info.Shape, data));
            }

            return list;
        }
        finally
        {
            foreach (OrtValue? v in values)
            {
                v?.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs one batch and hands each output's float data to <paramref name="visit"/> without copying it; outputs are
    /// visited in parallel, so <paramref name="visit"/> must only touch state of its own output index.
    /// </summary>
    public void Visit(IReadOnlyList<InputTensor> inputs, IReadOnlyList<string> outputNames, Action<int, ReadOnlySpan<float>> visit)
    {
        var values = new OrtValue[inputs.Count];
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                values[i] = CreateInput(inputs[i]);
            }

            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results =
                _session.Run(runOptions, inputs.Select(t => t.Name).ToArray(), values, [.. outputNames]);
            Parallel.For(0, results.Count, i => visit(i, results[i].GetTensorDataAsSpan<float>()));
        }
        finally
        {
            foreach (OrtValue? v in values)
            {
                v?.Dispose();
            }
        }
    }

    private OrtValue CreateInput(InputTensor input)
    {
        if (!_halfInputs.Contains(input.Name))
        {
            return OrtValue.CreateTensorValueFromMemory(input.Data, input.Shape);
        }

        var halves = new Float16[input.Data.Length];
        for (int i = 0; i < halves.Length; i++)
        {
            halves[i] = (Float16)input.Data[i];
        }

        return OrtValue.CreateTensorValueFromMemory(halves, input.Shape);
    }

    private static float[] ToFloats(ReadOnlySpan<Float16> values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
        }

        return result;
    }

    private static float[] ToFloats<T>(ReadOnlySpan<T> values)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = float.CreateTruncating(values[i]);
        }

        return result;
    }

    public void Dispose() => _session.Dispose();
}
