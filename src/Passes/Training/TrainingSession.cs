// Runs a training graph in ONNX Runtime, one session run per step, with weights and state kept in ORT buffers.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Passes.Training;

/// <summary>
/// Two ORT sessions over one set of buffers: the training step and the evaluation graph. Every carried tensor
/// (weights, optimizer state, running statistics) has two native buffers; a step reads one and writes the
/// other through an <see cref="OrtIoBinding"/>, then they swap, so no weight passes through managed memory
/// between steps. Evaluation binds the current buffers of the parameters and buffers by name.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    private readonly TrainingGraph _graph;
    private readonly InferenceSession _train;
    private readonly InferenceSession _eval;
    private readonly OrtIoBinding _binding;
    private readonly OrtIoBinding _evalBinding;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _current;
    private readonly OrtValue[] _next;
    private readonly HashSet<string> _evalInputs;

    public TrainingSession(TrainingGraph graph, int threads = 0)
    {
        _graph = graph;
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // ONNXC_ORT_PROFILE=PREFIX writes ONNX Runtime's per-node profile of the training step (for performance work).
        if (Environment.GetEnvironmentVariable("ONNXC_ORT_PROFILE") is { Length: > 0 } profile)
        {
            // The prefix first: setting EnableProfiling hands ORT the prefix it has at that moment.
            options.ProfileOutputPathPrefix = profile;
            options.EnableProfiling = true;
        }

        _train = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.ToProto(graph.Model)), options);
        options.EnableProfiling = false;
        _eval = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.ToProto(graph.Evaluation)), options);
        _binding = _train.CreateIoBinding();
        _evalBinding = _eval.CreateIoBinding();
        _evalInputs = [.. _eval.InputMetadata.Keys];
        _current = new OrtValue[graph.Carried.Count];
        _next = new OrtValue[graph.Carried.Count];
        for (int i = 0; i < graph.Carried.Count; i++)
        {
            TensorData initial = graph.Carried[i].Initial;
            long[] dims = [.. initial.Dims];
            _current[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, dims);
            _next[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, dims);
            Load(i, initial);
        }
    }

    public TrainingGraph Graph => _graph;

    /// <summary>
    /// Runs one step: the data inputs, the label targets q [B,K], optional teacher targets with their entropy term
    /// (see <see cref="Losses.LossGraph"/>) and features, and the optimizer's scalars. Returns the loss and the logits of the batch.
    /// </summary>
    public (float Loss, float[] Logits) Step(
        IReadOnlyList<InputTensor> data,
        float[] target,
        float[]? teacherTarget,
        float teacherEntropy,
        IReadOnlyList<InputTensor> teacherFeatures,
        IReadOnlyList<(string Name, float Value)> scalars)
    {
        var owned = new List<OrtValue>();
        try
        {
            long batch = data[0].Shape[0];
            long classes = target.Length / Math.Max(1, batch);
            foreach (InputTensor t in data)
            {
                _binding.BindInput(t.Name, Own(owned, OrtValue.CreateTensorValueFromMemory(t.Data, t.Shape)));
            }

            _binding.BindInput(Losses.LossGraph.TargetInput, Own(owned, OrtValue.CreateTensorValueFromMemory(target, [batch, classes])));
            if (_graph.HasTeacherTarget)
            {
                float[] teacher = teacherTarget ?? throw new ArgumentException("the training graph distills but no teacher targets were given");
                _binding.BindInput(Losses.LossGraph.TeacherTargetInput, Own(owned, OrtValue.CreateTensorValueFromMemory(teacher, [batch, classes])));
                _binding.BindInput(Losses.LossGraph.TeacherEntropyInput, Own(owned, OrtValue.CreateTensorValueFromMemory(new[] { teacherEntropy }, [])));
            }

            for (int i = 0; i < _graph.FeatureTeacherInputs.Count; i++)
            {
                InputTensor f = teacherFeatures[i];
                _binding.BindInput(_graph.FeatureTeacherInputs[i], Own(owned, OrtValue.CreateTensorValueFromMemory(f.Data, f.Shape)));
            }

            foreach ((string name, float value) in scalars)
            {
                _binding.BindInput(name, Own(owned, OrtValue.CreateTensorValueFromMemory(new[] { value }, [])));
            }

            for (int i = 0; i < _current.Length; i++)
            {
                _binding.BindInput(_graph.Carried[i].Input, _current[i]);
                _binding.BindOutput(_graph.Carried[i].Output, _next[i]);
            }

            _binding.BindOutputToDevice(Losses.LossGraph.LossOutput, OrtMemoryInfo.DefaultInstance);
            _binding.BindOutputToDevice(_graph.Logits, OrtMemoryInfo.DefaultInstance);
            _train.RunWithBinding(_runOptions, _binding);
            (float loss, float[] logits) = ReadLossAndLogits();
            for (int i = 0; i < _current.Length; i++)
            {
                (_current[i], _next[i]) = (_next[i], _current[i]);
            }

            return (loss, logits);
        }
        finally
        {
            foreach (OrtValue v in owned)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>The logits of the evaluation graph for one batch, with the current weights and statistics.</summary>
    public float[] Evaluate(IReadOnlyList<InputTensor> data)
    {
        var owned = new List<OrtValue>();
        try
        {
            foreach (InputTensor t in data)
            {
                _evalBinding.BindInput(t.Name, Own(owned, OrtValue.CreateTensorValueFromMemory(t.Data, t.Shape)));
            }

            for (int i = 0; i < _current.Length; i++)
            {
                if (_evalInputs.Contains(_graph.Carried[i].Input) && _graph.Carried[i].Kind != CarriedKind.OptimizerState)
                {
                    _evalBinding.BindInput(_graph.Carried[i].Input, _current[i]);
                }
            }

            _evalBinding.BindOutputToDevice(_graph.Logits, OrtMemoryInfo.DefaultInstance);
            _eval.RunWithBinding(_runOptions, _evalBinding);
            using IDisposableReadOnlyCollection<OrtValue> outputs = _evalBinding.GetOutputValues();
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (OrtValue v in owned)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>A copy of carried tensor <paramref name="index"/>'s current value.</summary>
    public TensorData Read(int index)
    {
        TensorData initial = _graph.Carried[index].Initial;
        return TensorData.FromFloats([.. initial.Dims], _current[index].GetTensorDataAsSpan<float>());
    }

    /// <summary>Overwrites carried tensor <paramref name="index"/> (the start, or a checkpoint being resumed).</summary>
    public void Load(int index, TensorData value)
    {
        if (!value.Dims.SequenceEqual(_graph.Carried[index].Initial.Dims) || value.ElementType != ElementType.Float)
        {
            throw new TrainingException($"{_graph.Carried[index].Input}: expected float{TensorShapeText(_graph.Carried[index].Initial)}, got {value}");
        }

        value.ToFloats().AsSpan().CopyTo(_current[index].GetTensorMutableDataAsSpan<float>());
    }

    /// <summary>The model <paramref name="forward"/> with the current parameters and buffers as its initializers (a copy).</summary>
    public Model ExportInto(Model forward)
    {
        Model result = TrainingGraphBuilder.Clone(forward);
        for (int i = 0; i < _graph.Carried.Count; i++)
        {
            CarriedTensor c = _graph.Carried[i];
            if (c.Kind == CarriedKind.OptimizerState)
            {
                continue;
            }

            Value init = result.Graph.FindValue(c.Input) ?? throw new InvalidOperationException($"the model has no initializer {c.Input}");
            result.Graph.SetInitializer(init, Read(i));
        }

        return result;
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("ONNXC_ORT_PROFILE") is { Length: > 0 })
        {
            Console.Error.WriteLine("onnxc: ORT profile: " + _train.EndProfiling());
        }

        _binding.Dispose();
        _evalBinding.Dispose();
        _runOptions.Dispose();
        foreach (OrtValue v in _current.Concat(_next))
        {
            v.Dispose();
        }

        _train.Dispose();
        _eval.Dispose();
    }

    private (float, float[]) ReadLossAndLogits()
    {
        using IDisposableReadOnlyCollection<OrtValue> outputs = _binding.GetOutputValues();
        string[] names = _binding.GetOutputNames();
        float loss = float.NaN;
        float[] logits = [];
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i] == Losses.LossGraph.LossOutput)
            {
                loss = outputs[i].GetTensorDataAsSpan<float>()[0];
            }
            else if (names[i] == _graph.Logits)
            {
                logits = outputs[i].GetTensorDataAsSpan<float>().ToArray();
            }
        }

        return (loss, logits);
    }

    private static OrtValue Own(List<OrtValue> owned, OrtValue value)
    {
        owned.Add(value);
        return value;
    }

    private static string TensorShapeText(TensorData t) => "[" + string.Join(",", t.Dims) + "]";
}
