// The IR's one mutation API keeps producer and use lists right and counts every change.
namespace Onnxc.GraphIR.Tests.Mutation;

public sealed class MutationApiTests
{
    private static (Model Model, Value X, Node Relu, Node Neg) Chain()
    {
        var model = new Model();
        Graph g = model.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape(2, 3)));
        Node relu = g.AddNode("Relu", [x], ["r"]);
        Node neg = g.AddNode("Neg", [relu.Outputs[0]], ["y"]);
        g.AddOutput(neg.Outputs[0]!);
        return (model, x, relu, neg);
    }

    [Fact]
    public void Adding_nodes_records_producers_and_uses()
    {
        (_, Value x, Node relu, Node neg) = Chain();
        Assert.Equal([new Use(relu, 0)], x.Uses);
        Assert.Equal(relu, relu.Outputs[0]!.Producer);
        Assert.Equal([new Use(neg, 0)], relu.Outputs[0]!.Uses);
    }

    [Fact]
    public void Every_change_is_counted_and_a_no_op_is_not()
    {
        (Model model, Value x, _, Node neg) = Chain();
        long before = model.ChangeCount;
        model.Graph.SetInput(neg, 0, neg.Inputs[0]);
        Assert.Equal(before, model.ChangeCount);
        model.Graph.SetInput(neg, 0, x);
        Assert.Equal(before + 1, model.ChangeCount);
    }

    [Fact]
    public void A_node_whose_output_is_used_cannot_be_removed()
    {
        (Model model, _, Node relu, _) = Chain();
        Assert.Throws<InvalidOperationException>(() => model.Graph.RemoveNode(relu));
    }

    [Fact]
    public void Removing_a_node_drops_its_uses()
    {
        (Model model, Value x, Node relu, Node neg) = Chain();
        model.Graph.ReplaceAllUsesWith(relu.Outputs[0]!, x);
        model.Graph.RemoveNode(relu);
        Assert.Equal([new Use(neg, 0)], x.Uses);
        Assert.True(relu.IsRemoved);
        Assert.Null(model.Graph.FindValue("r"));
    }

    [Fact]
    public void Replacing_a_graph_output_keeps_the_output_name()
    {
        (Model model, Value x, Node relu, Node neg) = Chain();
        model.Graph.ReplaceAllUsesWith(neg.Outputs[0]!, relu.Outputs[0]!);
        model.Graph.RemoveNode(neg);
        Assert.Equal("y", model.Graph.Outputs[0].Name);
        Assert.Equal(relu, model.Graph.Outputs[0].Producer);

        // A graph input cannot be renamed to an output's name: an Identity carries it.
        model.Graph.ReplaceAllUsesWith(model.Graph.Outputs[0], x);
        Assert.Equal("y", model.Graph.Outputs[0].Name);
        Assert.Equal("Identity", model.Graph.Outputs[0].Producer!.OpType);
        Assert.Equal(x, model.Graph.Outputs[0].Producer!.Inputs[0]);
    }

    [Fact]
    public void Fresh_names_never_clash()
    {
        (Model model, _, _, _) = Chain();
        string a = model.FreshName("r");
        string b = model.FreshName("r");
        Assert.NotEqual("r", a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Topological_sort_repairs_order_and_reports_cycles()
    {
        (Model model, _, Node relu, Node neg) = Chain();
        model.Graph.MoveBefore(neg, relu);
        model.Graph.SortTopologically();
        Assert.Equal([relu, neg], model.Graph.Nodes);

        model.Graph.SetInput(relu, 0, neg.Outputs[0]);
        var e = Assert.Throws<InvalidOperationException>(() => model.Graph.SortTopologically());
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void Initializers_are_constants_unless_also_inputs()
    {
        var model = new Model();
        Value w = model.Graph.AddInitializer("w", TensorData.FromFloats([2], [1f, 2f]));
        Assert.True(w.IsConstant);
        Assert.Equal(new TensorType(ElementType.Float, new TensorShape(2)), w.Type);
        model.Graph.RemoveInitializer(w);
        Assert.Empty(model.Graph.Initializers);
    }
}
