// Trains ShapesCnn on a split with softmax cross-entropy and Adam, and measures its accuracy in our own arithmetic.
using System.Diagnostics;

namespace Onnxc.ModelMaker;

/// <summary>
/// Loss L = -log softmax(z)[label] averaged over a batch, so dL/dz = (softmax(z) - onehot(label)) / batch. The
/// learning rate falls linearly from <see cref="BaseLearningRate"/> towards 0 over all steps, which lets the BatchNorm
/// running statistics settle on the final weights. The batch order comes from <see cref="Seeds.Training"/>.
/// </summary>
internal static class Trainer
{
    public const int Epochs = 10;
    public const int BatchSize = 32;
    public const double BaseLearningRate = 0.003;

    /// <summary>Pixels become network inputs as x = pixel / 255, the model's documented preprocessing.</summary>
    public static void LoadInputs(ShapesSplit split, ReadOnlySpan<int> indices, float[] input)
    {
        int pixels = split.Size * split.Size;
        for (int n = 0; n < indices.Length; n++)
        {
            ReadOnlySpan<byte> image = split.Image(indices[n]);
            for (int i = 0; i < pixels; i++)
            {
                input[(n * pixels) + i] = image[i] / 255f;
            }
        }
    }

    public static ShapesCnn Train(ShapesSplit train, TextWriter log)
    {
        var rng = new DetRandom(Seeds.Training);
        var model = new ShapesCnn(rng);
        var adam = new Adam(model.Parameters);
        int stepsPerEpoch = train.Count / BatchSize;
        int totalSteps = stepsPerEpoch * Epochs;
        var order = Enumerable.Range(0, train.Count).ToArray();
        var input = new float[BatchSize * train.Size * train.Size];
        var dLogits = new float[BatchSize * ShapesCnn.Classes];
        var labels = new long[BatchSize];
        int step = 0;
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            double lossSum = 0;
            int correct = 0;
            for (int s = 0; s < stepsPerEpoch; s++)
            {
                ReadOnlySpan<int> batch = order.AsSpan(s * BatchSize, BatchSize);
                LoadInputs(train, batch, input);
                for (int n = 0; n < BatchSize; n++)
                {
                    labels[n] = train.Labels[batch[n]];
                }

                ReadOnlySpan<float> logits = model.Forward(input, BatchSize, RunMode.Train);
                (double loss, int hits) = SoftmaxCrossEntropy(logits, labels, dLogits);
                lossSum += loss;
                correct += hits;
                foreach (Parameter p in model.Parameters)
                {
                    p.ZeroGrad();
                }

                model.Backward(dLogits);
                adam.Step(BaseLearningRate * (1.0 - ((double)step / totalSteps)));
                step++;
            }

            log.WriteLine(
                $"epoch {epoch + 1}/{Epochs}: loss {lossSum / stepsPerEpoch:F4}, " +
                $"train accuracy {(double)correct / (stepsPerEpoch * BatchSize):P2}, {clock.Elapsed.TotalSeconds:F1} s");
        }

        return model;
    }

    /// <summary>Logits [count, 10] of every image of <paramref name="split"/> from our own forward in eval mode.</summary>
    public static float[] Predict(ShapesCnn model, ShapesSplit split)
    {
        var all = new float[split.Count * ShapesCnn.Classes];
        var input = new float[ShapesCnn.MaxBatch * split.Size * split.Size];
        var indices = new int[ShapesCnn.MaxBatch];
        for (int start = 0; start < split.Count; start += ShapesCnn.MaxBatch)
        {
            int count = Math.Min(ShapesCnn.MaxBatch, split.Count - start);
            for (int n = 0; n < count; n++)
            {
                indices[n] = start + n;
            }

            LoadInputs(split, indices.AsSpan(0, count), input);
            model.Forward(input, count, RunMode.Eval).CopyTo(all.AsSpan(start * ShapesCnn.Classes));
        }

        return all;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static (double Loss, int Correct) SoftmaxCrossEntropy(ReadOnlySpan<float> logits, long[] labels, float[] dLogits)
    {
        int classes = ShapesCnn.Classes;
        int batch = labels.Length;
        double loss = 0;
        int correct = 0;
        Span<double> p = stackalloc double[classes];
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            float max = z[ArgMax(z)];
            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                p[k] = DetMath.Exp(z[k] - max);
                sum += p[k];
            }

            int label = (int)labels[n];
            for (int k = 0; k < classes; k++)
            {
                double probability = p[k] / sum;
                dLogits[(n * classes) + k] = (float)((probability - (k == label ? 1.0 : 0.0)) / batch);
            }

            // Only reported, never fed back, so Math.Log's platform-dependent last bit cannot reach the model.
            loss -= Math.Log(p[label] / sum);
            if (ArgMax(z) == label)
            {
                correct++;
            }
        }

        return (loss / batch, correct);
    }
}
