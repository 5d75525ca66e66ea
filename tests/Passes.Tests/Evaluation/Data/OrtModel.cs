// Test helper: runs a shared model in ONNX Runtime on the reader's batches and describes its input as plain values.
using Microsoft.ML.OnnxRuntime;
using Onnxc.Evaluation.Data;

namespace Onnxc.Passes.Tests.Evaluation.Data;

internal sealed class OrtModel : IDisposable
{
    private readonly InferenceSession _session;

    public OrtModel(string modelPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _session = new InferenceSession(modelPath, options);
        Inputs = _session.InputMetadata
            .Select(kv => ModelInputSpec.Float32(kv.Key, kv.Value.Dimensions.Select(d => (long)d).ToArray()))
            .ToArray();
        OutputName = _session.OutputMetadata.Keys.First();
    }

    /// <summary>The model's inputs with -1 for symbolic dimensions, as the driver will hand them to the reader.</summary>
    public ModelInputSpec[] Inputs { get; }

    public string OutputName { get; }

    /// <summary>Runs one batch and returns the first output, flattened.</summary>
    public float[] Run(SampleBatch batch)
    {
        var values = batch.Inputs.Select(t => OrtValue.CreateTensorValueFromMemory(t.Data, t.Shape)).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, batch.Inputs.Select(t => t.Name).ToArray(), values, [OutputName]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();
}
