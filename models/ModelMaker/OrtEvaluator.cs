// Runs an ONNX model file on a shapes split with ONNX Runtime (CPU), the reference the accuracy is stated against.
using Microsoft.ML.OnnxRuntime;

namespace Onnxc.ModelMaker;

internal static class OrtEvaluator
{
    private const int Batch = 250;

    /// <summary>
    /// Logits [count, 10] for every image, the input being preprocess(pixel) per pixel. ONNX Runtime's default graph
    /// optimisations are on, as a user running the model would have them.
    /// </summary>
    public static float[] Predict(string modelPath, ShapesSplit split, Func<byte, float> preprocess)
    {
        using var session = new InferenceSession(modelPath);
        int pixels = split.Size * split.Size;
        var all = new float[split.Count * ShapeRenderer.ClassCount];
        for (int start = 0; start < split.Count; start += Batch)
        {
            int count = Math.Min(Batch, split.Count - start);
            var input = new float[count * pixels];
            ReadOnlySpan<byte> images = split.Images.AsSpan(start * pixels, count * pixels);
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = preprocess(images[i]);
            }

            using var value = OrtValue.CreateTensorValueFromMemory(input, [count, 1, split.Size, split.Size]);
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs =
                session.Run(runOptions, [ShapesModel.InputName], [value], [ShapesModel.OutputName]);
            ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();
            if (logits.Length != count * ShapeRenderer.ClassCount)
            {
                throw new InvalidOperationException($"model returned {logits.Length} logits for {count} images");
            }

            logits.CopyTo(all.AsSpan(start * ShapeRenderer.ClassCount));
        }

        return all;
    }
}
