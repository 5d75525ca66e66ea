// Puts an identity BatchNormalization after every convolution of a BN-folded model, so it trains like the original.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;

namespace Onnxc.Passes.Training;

/// <summary>
/// Deployed models have their BatchNormalizations folded into the convolutions, and without them a network
/// trains badly: at learning rates that recover a pruned model, a BN-free ResNet-20 diverges within steps. This
/// inserts, after each Conv that no BatchNormalization follows, one that computes the identity on the data:
/// with the per-channel mean μ and variance σ² of the conv's output measured on <c>batches</c> batches,
/// <code>
/// BN(y) = γ·(y − μ)/√(σ² + ε) + β   with γ = √(σ² + ε), β = μ, running mean μ, running variance σ²
/// </code>
/// so the model's outputs are unchanged in inference form, and in training form (batch statistics) the batch
/// normalises as it did when the network was first trained. After training, -O 2's fuse-conv-batchnorm folds
/// them back: the result has the input's op types.
/// </summary>
public static class BatchNormInsertion
{
    private const float Epsilon = 1e-5f;

    /// <summary>Inserts the BatchNormalizations; returns how many.</summary>
    public static int Insert(Model model, SampleSet data, int batches = 8, int batchSize = 64)
    {
        Graph graph = model.Graph;
        Node[] convs = [.. graph.Nodes.Where(n => n.IsDefaultDomain && n.OpType == "Conv" && n.Outputs[0] is { } y
            && !y.IsGraphOutput && y.Uses.Count > 0 && !y.Uses.All(u => u.Node.OpType == "BatchNormalization")
            && y.Shape is { Rank: >= 3 } s && s[1].IsKnown)];
        if (convs.Length == 0)
        {
            return 0;
        }

        string[] names = [.. convs.Select(n => n.Outputs[0]!.Name)];
        var sums = names.Select(n => new double[ChannelsOf(graph, n)]).ToArray();
        var squares = names.Select(n => new double[ChannelsOf(graph, n)]).ToArray();
        var counts = new long[names.Length];
        using (InferenceRunner runner = InferenceRunner.Create(model, names))
        {
            foreach (SampleBatch batch in data.Batches(batchSize, Math.Min(data.Count, batches * batchSize)))
            {
                IReadOnlyList<OutputTensor> outputs = runner.Run(batch.Inputs, names);
                for (int i = 0; i < names.Length; i++)
                {
                    Accumulate(outputs[i], sums[i], squares[i], ref counts[i]);
                }
            }
        }

        for (int i = 0; i < convs.Length; i++)
        {
            Value y = convs[i].Outputs[0]!;
            int c = sums[i].Length;
            var mean = new float[c];
            var variance = new float[c];
            var gamma = new float[c];
            for (int k = 0; k < c; k++)
            {
                double m = sums[i][k] / counts[i];
                double v = Math.Max(0, (squares[i][k] / counts[i]) - (m * m));
                mean[k] = (float)m;
                variance[k] = (float)v;
                gamma[k] = MathF.Sqrt((float)v + Epsilon);
            }

            Use[] uses = [.. y.Uses];
            Value normalised = graph.AddNode("BatchNormalization",
            [
                y,
                graph.AddConstant(y.Name + "_bn_scale", TensorData.FromFloats([c], gamma)),
                graph.AddConstant(y.Name + "_bn_bias", TensorData.FromFloats([c], mean)),
                graph.AddConstant(y.Name + "_bn_mean", TensorData.FromFloats([c], mean)),
                graph.AddConstant(y.Name + "_bn_var", TensorData.FromFloats([c], variance)),
            ], 1, [NodeAttribute.Of("epsilon", Epsilon)]).Outputs[0]!;
            Graph.SetType(normalised, y.Type);
            foreach (Use u in uses)
            {
                graph.SetInput(u.Node, u.InputIndex, normalised);
            }
        }

        graph.SortTopologically();
        return convs.Length;
    }

    private static int ChannelsOf(Graph graph, string name) => (int)graph.FindValue(name)!.Shape![1].Value!.Value;

    /// <summary>Adds the per-channel sums of x and x² over every axis but 1.</summary>
    private static void Accumulate(OutputTensor t, double[] sum, double[] square, ref long count)
    {
        int c = sum.Length;
        long inner = 1;
        for (int d = 2; d < t.Shape.Length; d++)
        {
            inner *= t.Shape[d];
        }

        long n = t.Shape[0];
        for (long b = 0; b < n; b++)
        {
            for (int k = 0; k < c; k++)
            {
                long o = ((b * c) + k) * inner;
                double s = 0, q = 0;
                for (long i = 0; i < inner; i++)
                {
                    double v = t.Data[o + i];
                    s += v;
                    q += v * v;
                }

                sum[k] += s;
                square[k] += q;
            }
        }

        count += n * inner;
    }
}
