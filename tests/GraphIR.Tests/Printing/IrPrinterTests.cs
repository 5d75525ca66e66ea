// The IR printer: a golden text for a small graph with every construct, and stability of the text.
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Printing;
using Onnxc.TestSupport;
using static Onnxc.GraphIR.Tests.Analysis.IrBuilder;

namespace Onnxc.GraphIR.Tests.Printing;

public sealed class IrPrinterTests
{
    private static Model GoldenModel()
    {
        var model = new Model("tiny");
        model.SetOpset("", 13);
        model.SetOpset("com.microsoft", 1);
        model.ProducerName = "onnxc-tests";
        Graph g = model.Graph;
        Value x = g.AddInput("x", Type(ElementType.Float, "N", 3, 8, 8));
        Value w = g.AddInitializer("w", TensorData.FromFloats([4, 3, 3, 3], new float[108]));
        Value b = g.AddInitializer("b", TensorData.FromFloats([4], [0.5f, -1f, 2f, 0.1f]));
        Value six = g.AddInitializer("six", TensorData.Scalar(6f));
        Value flag = g.AddInput("flag", Type(ElementType.Bool));
        Node conv = g.AddNode("Conv", [x, w, b], ["y"], [A("pads", 1, 1, 1, 1), A("kernel_shape", 3, 3)], name: "conv1");
        Value clip = g.AddNode("Clip", [conv.Outputs[0], null, six], ["clip"]).Outputs[0]!;
        Value gelu = g.AddNode("Gelu", [clip], ["gelu"], domain: "com.microsoft").Outputs[0]!;
        Graph thenG = model.CreateGraph("then_g");
        thenG.AddOutput(thenG.AddNode("Identity", [gelu], ["t"]).Outputs[0]!);
        Graph elseG = model.CreateGraph("else_g");
        elseG.AddOutput(elseG.AddNode("Neg", [gelu], ["e"]).Outputs[0]!);
        Value z = g.AddNode("If", [flag], ["z"],
        [
            new NodeAttribute("then_branch", AttributeKind.Graph) { G = thenG },
            new NodeAttribute("else_branch", AttributeKind.Graph) { G = elseG },
        ]).Outputs[0]!;
        g.AddOutput(z);
        ShapeInference.Run(model);
        return model;
    }

    [Fact]
    public void PrintsTheGoldenText()
    {
        const string expected = """
            ir_version 8
            opsets ai.onnx v13, com.microsoft v1
            producer "onnxc-tests"
            graph tiny {
              input %x:FLOAT[N,3,8,8]
              input %flag:BOOL[]
              init %w:FLOAT[4,3,3,3]
              init %b:FLOAT[4] = {0.5, -1, 2, 0.1}
              init %six:FLOAT[] = {6}
              %y:FLOAT[N,4,8,8] = Conv(%x, %w, %b) {kernel_shape=[3,3], pads=[1,1,1,1]}  # conv1
              %clip:FLOAT[N,4,8,8] = Clip(%y, _, %six)
              %gelu:? = com.microsoft.Gelu(%clip)
              %z:? = If(%flag) {else_branch=<graph else_g>, then_branch=<graph then_g>}
                else_branch: graph else_g {
                  %e:? = Neg(%gelu)
                  output %e:?
                }
                then_branch: graph then_g {
                  %t:? = Identity(%gelu)
                  output %t:?
                }
              output %z:?
            }

            """;
        Assert.Equal(expected, IrPrinter.Print(GoldenModel()));
    }

    [Fact]
    public void PrintsFunctionsAndGraphsAlone()
    {
        var model = new Model();
        model.SetOpset("", 17);
        Graph body = model.CreateGraph("body");
        Value a = body.AddInput("a", null);
        body.AddOutput(body.AddNode("LeakyRelu", [a], ["r"], [new NodeAttribute("alpha", AttributeKind.Float) { RefAttrName = "slope" }]).Outputs[0]!);
        model.AddFunction(new FunctionDef("local", "Leaky", body) { AttributeNames = ["slope"], Opsets = [new OpsetImport("", 17)] });
        Value x = model.Graph.AddInput("x", Type(ElementType.Float, 2));
        model.Graph.AddOutput(model.Graph.AddNode("Leaky", [x], ["y"], [A("slope", 0.25f)], domain: "local").Outputs[0]!);
        string text = IrPrinter.Print(model);
        Assert.Contains("  %y:? = local.Leaky(%x) {slope=0.25}\n", text, StringComparison.Ordinal);
        Assert.Contains("function local.Leaky attributes [slope] opsets [ai.onnx v17]\nbody body {\n  input %a:?\n  %r:? = LeakyRelu(%a) {alpha=@slope}\n", text, StringComparison.Ordinal);
        Assert.Equal("graph body {\n  input %a:?\n  %r:? = LeakyRelu(%a) {alpha=@slope}\n  output %r:?\n}\n", IrPrinter.Print(body));
    }

    [Fact]
    public void IntegerValuesPrintExactly()
    {
        var model = new Model();
        Value ends = model.Graph.AddInitializer("ends", TensorData.FromInt64s([3], [long.MaxValue, long.MinValue, (1L << 53) + 1]));
        model.Graph.AddOutput(ends);
        Assert.Contains("init %ends:INT64[3] = {9223372036854775807, -9223372036854775808, 9007199254740993}\n", IrPrinter.Print(model), StringComparison.Ordinal);
    }

    [Fact]
    public void TheTextIsTheSameForTheSameModelBuiltTwice()
    {
        Assert.Equal(IrPrinter.Print(GoldenModel()), IrPrinter.Print(GoldenModel()));
    }

    [SharedFact]
    public void ARealModelPrintsIdenticallyFromTwoLoadsWithOneLinePerNode()
    {
        string path = SharedData.Model("mnist-8.onnx");
        Model first = OnnxImporter.Load(path);
        string text = IrPrinter.Print(first);
        Assert.Equal(text, IrPrinter.Print(OnnxImporter.Load(path)));
        int nodeLines = text.Split('\n').Count(l => l.Contains(" = ", StringComparison.Ordinal) && l.Contains('('));
        Assert.Equal(first.Graph.Nodes.Count, nodeLines);
    }
}
