// Rewrites inference-mode BatchNormalization into batch statistics with running-statistic updates, for training.
namespace Onnxc.Passes.Training;

/// <summary>
/// In a training step a BatchNormalization normalizes with the statistics of the batch, and the gradient flows
/// through them. Each BatchNormalization(X, γ, β, mean, var) over X of [N,C,…] becomes, with axes A = all but 1:
/// <code>
/// μ = mean_A(X)            σ² = mean_A((X−μ)²)          Y = (X−μ)/√(σ²+ε)·γ + β
/// mean' = m·mean + (1−m)·μ    var' = m·var + (1−m)·σ²·n/(n−1)   (n = |X|/C, m = the node's momentum)
/// </code>
/// The running variance takes the unbiased batch variance, as PyTorch's does, so a model trained there and
/// fine-tuned here keeps its statistics' meaning. The running mean and variance become graph inputs (buffers)
/// and their updates extra values the caller outputs. Inference-mode nodes only: a node that already has
/// training outputs is refused.
/// </summary>
public static class BatchNormTraining
{
    /// <summary>A running statistic: the graph input it is read from, its initial value, and its updated value.</summary>
    public sealed record RunningStatistic(Value Input, TensorData Initial, Value Updated);

    public static IReadOnlyList<RunningStatistic> Rewrite(Graph graph)
    {
        var result = new List<RunningStatistic>();
        long opset = graph.Model.OpsetVersion("") ?? 13;
        foreach (Node bn in graph.Nodes.Where(n => n.IsDefaultDomain && n.OpType == "BatchNormalization").ToList())
        {
            if (bn.Outputs.Skip(1).Any(o => o is not null) || bn.GetInt("training_mode", 0) != 0)
            {
                throw new TrainingException("BatchNormalization already in training mode (with statistics outputs) is not supported", bn);
            }

            Value x = bn.Inputs[0]!;
            int rank = x.Shape?.Rank ?? throw new TrainingException("BatchNormalization input of unknown rank", bn);
            if (rank < 2)
            {
                throw new TrainingException($"BatchNormalization input of rank {rank}", bn);
            }

            Value mean = bn.Inputs[3]!;
            Value var = bn.Inputs[4]!;
            if (mean.Initializer is not { } meanData || var.Initializer is not { } varData
                || mean.Uses.Count != 1 || var.Uses.Count != 1)
            {
                throw new TrainingException("BatchNormalization's running mean and variance must be initializers of their own", bn);
            }

            double eps = bn.GetFloat("epsilon", 1e-5f);
            double m = bn.GetFloat("momentum", 0.9f);
            long[] axes = [0, .. Enumerable.Range(2, rank - 2).Select(a => (long)a)];
            var e = new Emitter(graph, opset, bn);

            Value mu = e.ReduceMean(x, axes);
            Value d = e.Op("Sub", x, mu);
            Value sigma2 = e.ReduceMean(e.Op("Mul", d, d), axes);
            Value std = e.Op1("Sqrt", e.Op("Add", sigma2, e.Const(eps)));
            Value gamma = e.Unsqueeze(bn.Inputs[1]!, axes);
            Value beta = e.Unsqueeze(bn.Inputs[2]!, axes);
            Value y = e.Op("Add", e.Op("Mul", e.Op("Div", d, std), gamma), beta);

            // n = |X| / C, for the unbiased variance.
            Value size = e.Op1("Cast", e.Op1("Size", x), NodeAttribute.Of("to", (long)ElementType.Float));
            Value channels = e.Op1("Cast", e.Op1("Gather", e.Op1("Shape", x), e.Int64(1)), NodeAttribute.Of("to", (long)ElementType.Float));
            Value n = e.Op("Div", size, channels);
            Value unbiased = e.Op("Div", n, e.Op("Sub", n, e.Const(1)));

            Value meanInput = TrainingGraphBuilder.Promote(graph, mean);
            Value varInput = TrainingGraphBuilder.Promote(graph, var);
            Value flatMu = e.Flat(mu);
            Value flatVar = e.Op("Mul", e.Flat(sigma2), unbiased);
            Value newMean = e.Op("Add", e.Op("Mul", meanInput, e.Const(m)), e.Op("Mul", flatMu, e.Const(1 - m)));
            Value newVar = e.Op("Add", e.Op("Mul", varInput, e.Const(m)), e.Op("Mul", flatVar, e.Const(1 - m)));

            graph.ReplaceAllUsesWith(bn.Outputs[0]!, y);
            graph.RemoveNode(bn);
            result.Add(new RunningStatistic(meanInput, meanData, newMean));
            result.Add(new RunningStatistic(varInput, varData, newVar));
        }

        return result;
    }

    /// <summary>Node builders placed before the BatchNormalization they replace, named after it.</summary>
    private sealed class Emitter(Graph graph, long opset, Node anchor)
    {
        public Value Op(string op, Value a, Value b) => Add(op, [a, b]);

        public Value Op1(string op, Value a, params NodeAttribute[] attributes) => Add(op, [a], attributes);

        public Value Op1(string op, Value a, Value b) => Add(op, [a, b]);

        public Value Const(double v) => graph.AddConstant("bn_const", TensorData.Scalar((float)v));

        public Value Int64(long v) => graph.AddConstant("bn_index", TensorData.Scalar(v));

        public Value ReduceMean(Value x, long[] axes) => opset >= 18
            ? Add("ReduceMean", [x, Ints(axes)], NodeAttribute.Of("keepdims", 1L))
            : Add("ReduceMean", [x], NodeAttribute.Of("axes", axes), NodeAttribute.Of("keepdims", 1L));

        public Value Unsqueeze(Value c, long[] axes) => opset >= 13
            ? Add("Unsqueeze", [c, Ints(axes)])
            : Add("Unsqueeze", [c], NodeAttribute.Of("axes", axes));

        /// <summary>[1,C,1,…] → [C].</summary>
        public Value Flat(Value x) => Add("Reshape", [x, Ints([-1])]);

        private Value Ints(long[] values) => graph.AddConstant("bn_axes", TensorData.FromInt64s([values.Length], values));

        private Value Add(string op, Value?[] inputs, params NodeAttribute[] attributes)
        {
            Node n = graph.AddNode(op, inputs, [graph.Model.FreshName($"{anchor.Name}_{op.ToLowerInvariant()}")], attributes,
                name: graph.Model.FreshName($"{anchor.Name}_train_{op}"), before: anchor);
            return n.Outputs[0]!;
        }
    }
}
