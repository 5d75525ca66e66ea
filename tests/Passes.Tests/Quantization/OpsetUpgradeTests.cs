// Moving an old-opset model to opset 13 keeps its function: checked in ONNX Runtime before and after.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;

namespace Onnxc.Passes.Tests.Quantization;

public sealed class OpsetUpgradeTests
{
    /// <summary>Opset 8: x[2,3,2] → Dropout → Clip(min 0, max 0.5 as attributes) → Softmax(axis 1: over 3·2 values).</summary>
    private static Model OldModel()
    {
        var m = new Model { IrVersion = 3 };
        m.SetOpset("", 8);
        Graph g = m.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape(2, 3, 2)));
        Node drop = g.AddNode("Dropout", [x], ["d"], [NodeAttribute.Of("ratio", 0.5f)], name: "drop");
        Node clip = g.AddNode("Clip", [drop.Outputs[0]], ["c"], [NodeAttribute.Of("min", 0f), NodeAttribute.Of("max", 0.5f)], name: "clip");
        Node sm = g.AddNode("Softmax", [clip.Outputs[0]], ["y"], [NodeAttribute.Of("axis", 1L)], name: "softmax");
        g.AddOutput(sm.Outputs[0]!);
        return m;
    }

    [Fact]
    public void UpgradeKeepsTheFunction()
    {
        float[] input = [.. Enumerable.Range(0, 12).Select(i => (i - 5) * 0.1f)];
        var batch = new List<InputTensor> { new("x", [2, 3, 2], input) };
        Model model = OldModel();
        float[] before;
        using (InferenceRunner r = InferenceRunner.Create(model))
        {
            before = r.Run(batch)[0].Data;
        }

        Assert.True(OpsetUpgrade.Run(model));
        Assert.Equal(13, model.OpsetVersion());
        Assert.DoesNotContain(model.Graph.Nodes, n => n.OpType == "Dropout");
        Assert.Null(model.Graph.Nodes.Single(n => n.OpType == "Clip").Attribute("min"));
        using InferenceRunner after = InferenceRunner.Create(model);
        float[] y = after.Run(batch)[0].Data;
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(before[i], y[i], 6);
        }

        // Softmax over axis 1 flattened 3x2 = 6 values per sample: each sample's outputs sum to 1.
        Assert.Equal(1f, y.Take(6).Sum(), 5);
    }

    [Fact]
    public void UnknownChangedOpIsRefusedByName()
    {
        var m = new Model();
        m.SetOpset("", 8);
        Value x = m.Graph.AddInput("x", new TensorType(ElementType.Float, new TensorShape(1, 4)));
        Node n = m.Graph.AddNode("Scan", [x], ["y"], name: "scan8");
        m.Graph.AddOutput(n.Outputs[0]!);
        InvalidModelException e = Assert.Throws<InvalidModelException>(() => OpsetUpgrade.Run(m));
        Assert.Contains("'scan8' (Scan)", e.Message, StringComparison.Ordinal);
    }
}
