// Dropout: the identity in inference form (finite differences), the mask over 1−p in training form (exactly).
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Training.Autodiff;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class DropoutGradientTests
{
    [Fact]
    public void InferenceDropoutPassesTheGradientThrough()
    {
        Model m = GradientModels.New(17);
        Value x = GradientModels.Input(m, "x0", 2, 5);
        Value ratio = m.Graph.AddInitializer("ratio", TensorData.Scalar(0.3f));
        Value y = GradientModels.Op(m, "Dropout", [x, ratio]);
        GradientModels.Node(m, "Tanh", [y], 1);
        GradientCheck.AssertGradients(m, "x0");
    }

    [Fact]
    public void TrainingDropoutScalesTheKeptGradientByOneOverKeep()
    {
        Model m = GradientModels.New(17);
        Graph g = m.Graph;
        Value x = GradientModels.Input(m, "x", 4, 50);
        Value ratio = g.AddInitializer("ratio", TensorData.Scalar(0.4f));
        Value training = g.AddInitializer("training", TensorData.FromBytes(ElementType.Bool, [], new byte[] { 1 }));
        Node drop = g.AddNode("Dropout", [x, ratio, training], ["y", "mask"], [NodeAttribute.Of("seed", 7L)], name: "drop");
        var rng = new Random(2);
        float[] r = [.. Enumerable.Range(0, 200).Select(_ => rng.NextSingle() - 0.5f)];
        Value rv = g.AddInitializer("r", TensorData.FromFloats([4, 50], r));
        Value prod = g.AddNode("Mul", [drop.Outputs[0], rv]).Outputs[0]!;
        Value loss = g.AddNode("ReduceSum", [prod], 1, [NodeAttribute.Of("keepdims", 0L)]).Outputs[0]!;
        ShapeInference.Run(m);
        IReadOnlyDictionary<Value, Value?> grads = Differentiator.Differentiate(g, loss, [x]);
        g.AddOutput(grads[x]!);
        g.AddOutput(drop.Outputs[1]!);
        ShapeInference.Run(m);

        using var dir = new TempDir("onnxc-dropout");
        OnnxExporter.Save(m, dir.File("m.onnx"));
        using var runner = new OrtRunner(dir.File("m.onnx"));
        float[] input = [.. Enumerable.Range(0, 200).Select(i => (float)i)];
        var outputs = runner.Run(new Dictionary<string, OrtTensor> { ["x"] = OrtTensor.FromFloats([4, 50], input) });
        float[] dx = outputs[0].ToFloats();
        bool[] mask = [.. outputs[1].Bytes.Select(b => b != 0)];
        int kept = mask.Count(k => k);
        Assert.InRange(kept, 80, 160);
        for (int i = 0; i < dx.Length; i++)
        {
            Assert.Equal(mask[i] ? r[i] / 0.6f : 0f, dx[i], 1e-6f);
        }
    }
}
