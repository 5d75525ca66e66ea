// Runs an ONNX file in ONNX Runtime (CPU) on given float inputs, to compare a model before and after onnxc.
using Microsoft.ML.OnnxRuntime;

namespace Onnxc.Driver.Tests;

internal static class OrtRunner
{
    /// <summary>Every output of the model as floats, by name, for one run on <paramref name="inputs"/>.</summary>
    public static Dictionary<string, float[]> Run(string modelPath, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> inputs)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(modelPath, options);
        var values = new Dictionary<string, OrtValue>();
        try
        {
            foreach ((string name, (float[] data, long[] shape)) in inputs)
            {
                values[name] = OrtValue.CreateTensorValueFromMemory(data, shape);
            }

            using var runOptions = new RunOptions();
            string[] outputNames = [.. session.OutputNames];
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, values, outputNames);
            var result = new Dictionary<string, float[]>();
            for (int i = 0; i < outputNames.Length; i++)
            {
                result[outputNames[i]] = outputs.ElementAt(i).GetTensorDataAsSpan<float>().ToArray();
            }

            return result;
        }
        finally
        {
            foreach (OrtValue v in values.Values)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>The first input's name and shape, with symbolic or unknown dims set to <paramref name="batch"/>.</summary>
    public static (string Name, long[] Shape) FirstInput(string modelPath, long batch = 1)
    {
        using var session = new InferenceSession(modelPath);
        KeyValuePair<string, NodeMetadata> input = session.InputMetadata.First();
        return (input.Key, [.. input.Value.Dimensions.Select(d => d > 0 ? (long)d : batch)]);
    }

    public static float[] RandomFloats(long count, int seed)
    {
        var random = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return data;
    }
}
