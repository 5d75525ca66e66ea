// Each opset adapter on a small model: the rewrite it makes, ORT agreeing before and after, and the refusals.
using Microsoft.ML.OnnxRuntime;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Opset;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Opset;

public sealed class OpsetAdapterTests
{
    /// <summary>A one-node model at <paramref name="opset"/> over a FLOAT input of <paramref name="shape"/>.</summary>
    private static Model OneNode(long opset, long[] shape, string op, params NodeAttribute[] attributes)
    {
        var model = new Model { IrVersion = 7 };
        model.SetOpset("", opset);
        Value x = model.Graph.AddInput("x", new TensorType(ElementType.Float, new TensorShape(shape)));
        Node node = model.Graph.AddNode(op, [x], ["y"], attributes, name: "n");
        Graph.SetType(node.Outputs[0]!, new TensorType(ElementType.Float, null));
        model.Graph.AddOutput(node.Outputs[0]!);
        return model;
    }

    /// <summary>Runs the model before and after upgrading to <paramref name="target"/> and asserts equal outputs.</summary>
    private static Model AssertSameAfterUpgrade(Model model, long[] shape, long target = 21)
    {
        using var dir = new TempDir();
        OnnxExporter.Save(model, dir.File("before.onnx"));
        OpsetUpgrader.Upgrade(model, target);
        OnnxExporter.Save(model, dir.File("after.onnx"));
        var random = new Random(3);
        float[] values = [.. Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() * 4 - 2))];
        OrtTensor input = OrtTensor.FromFloats(shape, values);
        float[] before = OrtRunner.RunOnce(dir.File("before.onnx"), new Dictionary<string, OrtTensor> { ["x"] = input }, GraphOptimizationLevel.ORT_DISABLE_ALL)[0].ToFloats();
        float[] after = OrtRunner.RunOnce(dir.File("after.onnx"), new Dictionary<string, OrtTensor> { ["x"] = input }, GraphOptimizationLevel.ORT_DISABLE_ALL)[0].ToFloats();
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.True(Math.Abs(before[i] - after[i]) <= 1e-6 + 1e-5 * Math.Abs(before[i]), $"element {i}: {before[i]} vs {after[i]}");
        }

        return model;
    }

    [Fact]
    public void Softmax_over_a_middle_axis_becomes_flatten_softmax_reshape()
    {
        Model model = AssertSameAfterUpgrade(OneNode(11, [2, 3, 4], "Softmax", NodeAttribute.Of("axis", 1L)), [2, 3, 4]);
        Assert.Equal(["Flatten", "Shape", "Softmax", "Reshape"], model.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal("y", model.Graph.Outputs[0].Name);
    }

    [Fact]
    public void Softmax_over_the_last_axis_only_gets_an_explicit_axis()
    {
        Model model = AssertSameAfterUpgrade(OneNode(11, [2, 5], "Softmax"), [2, 5]);
        Assert.Equal(-1, model.Graph.Nodes.Single().GetInt("axis", 0));
    }

    [Fact]
    public void Squeeze_axes_attribute_becomes_an_input()
    {
        Model model = AssertSameAfterUpgrade(OneNode(11, [2, 1, 3], "Squeeze", NodeAttribute.Of("axes", new long[] { 1 })), [2, 1, 3]);
        Node squeeze = model.Graph.Nodes.Single();
        Assert.Null(squeeze.Attribute("axes"));
        Assert.Equal([1L], squeeze.Inputs[1]!.Initializer!.ToInt64s());
    }

    [Fact]
    public void Clip_min_max_attributes_become_inputs()
    {
        Model model = AssertSameAfterUpgrade(OneNode(7, [4, 4], "Clip", NodeAttribute.Of("min", -0.5f), NodeAttribute.Of("max", 1.25f)), [4, 4]);
        Assert.Equal(3, model.Graph.Nodes.Single().Inputs.Count);
    }

    [Fact]
    public void Pad_attributes_become_inputs()
    {
        AssertSameAfterUpgrade(OneNode(7, [1, 2, 3], "Pad", NodeAttribute.Of("pads", 0L, 1L, 2L, 0L, 0L, 1L), NodeAttribute.Of("value", 1.5f)), [1, 2, 3]);
    }

    [Fact]
    public void Slice_attributes_become_inputs()
    {
        AssertSameAfterUpgrade(OneNode(7, [4, 6], "Slice", NodeAttribute.Of("starts", 1L, 2L), NodeAttribute.Of("ends", 3L, 100L), NodeAttribute.Of("axes", 0L, 1L)), [4, 6]);
    }

    [Fact]
    public void ReduceMean_axes_attribute_becomes_an_input_at_18()
    {
        Model model = AssertSameAfterUpgrade(OneNode(13, [2, 3, 4], "ReduceMean", NodeAttribute.Of("axes", 1L, 2L)), [2, 3, 4]);
        Assert.Equal(2, model.Graph.Nodes.Single().Inputs.Count);
    }

    [Fact]
    public void Upsample_becomes_resize_with_the_old_coordinates()
    {
        Model model = AssertSameAfterUpgrade(OneNode(7, [1, 1, 2, 3], "Upsample", NodeAttribute.Of("scales", 1f, 1f, 2f, 3f)), [1, 1, 2, 3]);
        Node resize = model.Graph.Nodes.Single();
        Assert.Equal("Resize", resize.OpType);
        Assert.Equal("asymmetric", resize.GetString("coordinate_transformation_mode", ""));
    }

    [Fact]
    public void Dropout_ratio_becomes_an_input()
    {
        AssertSameAfterUpgrade(OneNode(7, [3, 3], "Dropout", NodeAttribute.Of("ratio", 0.3f)), [3, 3]);
    }

    [Fact]
    public void Nothing_changes_before_a_refusal()
    {
        Model model = OneNode(7, [2, 2], "Relu");
        Node bad = model.Graph.AddNode("NoSuchOp", [model.Graph.Outputs[0]], ["z"], name: "mystery");
        long changes = model.ChangeCount;

        var e = Assert.Throws<InvalidModelException>(() => OpsetUpgrader.Upgrade(model, 21));

        Assert.Contains("'mystery' (NoSuchOp)", e.Message);
        Assert.Contains("no rule to upgrade operator NoSuchOp", e.Message);
        Assert.Equal(changes, model.ChangeCount);
        Assert.Equal(7, model.OpsetVersion(""));
        Assert.False(bad.IsRemoved);
    }

    [Theory]
    [InlineData(5, "only upgrades")]
    [InlineData(22, "up to opset 21")]
    public void Targets_out_of_range_are_refused(long target, string expected)
    {
        var e = Assert.Throws<InvalidModelException>(() => OpsetUpgrader.Upgrade(OneNode(7, [2], "Relu"), target));
        Assert.Contains(expected, e.Message);
    }
}
