// Runs a model before and after onnxc in ONNX Runtime on one random input and asserts bit-identical outputs.
using Microsoft.ML.OnnxRuntime;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

internal static class SameOutputs
{
    /// <summary>
    /// Feeds both models the same uniform [-1, 1) floats (symbolic or unknown dims set to <paramref name="batch"/>)
    /// and requires every output to match bit for bit: -O 0 must not change a single weight or operator.
    /// </summary>
    public static void Assert(string original, string compiled, long batch, int seed = 42)
    {
        (string name, long[] shape) = FirstInput(original, batch);
        var inputs = new Dictionary<string, OrtTensor>
        {
            [name] = OrtTensor.FromFloats(shape, RandomFloats(shape.Aggregate(1L, (a, b) => a * b), seed)),
        };

        IReadOnlyList<OrtTensor> expected = OrtRunner.RunOnce(original, inputs);
        IReadOnlyList<OrtTensor> actual = OrtRunner.RunOnce(compiled, inputs);

        Xunit.Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Xunit.Assert.Equal(expected[i].ElementType, actual[i].ElementType);
            Xunit.Assert.Equal(expected[i].Shape.ToArray(), actual[i].Shape.ToArray());
            Xunit.Assert.Equal(expected[i].Bytes, actual[i].Bytes);
        }
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

    private static (string Name, long[] Shape) FirstInput(string modelPath, long batch)
    {
        using var session = new InferenceSession(modelPath);
        KeyValuePair<string, NodeMetadata> input = session.InputMetadata.First();
        return (input.Key, [.. input.Value.Dimensions.Select(d => d > 0 ? (long)d : batch)]);
    }
}
