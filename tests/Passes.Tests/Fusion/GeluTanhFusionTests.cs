// Tests of fuse-gelu-tanh: the exporters' forms of the tanh GELU fuse and keep ORT's outputs; each guard refuses.
using Onnxc.GraphIR;
using Onnxc.Passes.Fusion;
using Onnxc.Passes.Pipelines;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Fusion;

public sealed class GeluTanhFusionTests
{
    /// <summary>How the exporter wrote z = sqrt(2/pi) * (x + 0.044715 * x^3) and the outer product.</summary>
    public enum Form
    {
        /// <summary>torch.onnx dynamo (torchlib): Mul(x, Mul(0.5, Add(Tanh(Mul(Sqrt(2/pi), Add(x, Mul(k, Pow(x, 3.0))))), 1))).</summary>
        TorchlibPow,

        /// <summary>TorchScript export: Mul(0.5, Mul(x, Add(1, Tanh(Mul(beta, Add(x, Mul(k, Mul(x, Mul(x, x))))))))).</summary>
        CubeAsMuls,

        /// <summary>gelu_fast: Mul(Mul(0.5, x), Add(1, Tanh(Mul(Mul(x, beta), Add(1, Mul(Mul(k, x), x)))))).</summary>
        FactoredSquare,

        /// <summary>sqrt(2/pi) folded into the terms: Tanh(Add(Mul(x, beta), Mul(Pow(x, int64 3), beta*k))), x a biased Add.</summary>
        FoldedTerms,
    }

    private const float Beta = 0.7978845608f;
    private const float Kappa = 0.044715f;

    /// <summary>in -> Relu (or Add bias) -> x -> tanh GELU -> out; <paramref name="cubeOf"/> replaces x inside the cube.</summary>
    private static Model Build(Form form, long opset = 20, float beta = Beta, float kappa = Kappa, ElementType type = ElementType.Float, string? cubeOf = null)
    {
        Model m = NewModel(opset);
        Graph g = m.Graph;
        var shape = new TensorShape([2, 5]);
        Value input = g.AddInput("in", new TensorType(type, shape));
        Value C(string name, double v) => g.AddInitializer(name, WeightMath.FromDoubles(type, [], [v]));
        Value x = form == Form.FoldedTerms
            ? Op(g, "Add", [input, g.AddInitializer("bias", WeightMath.FromDoubles(type, [5], [0.1, -0.2, 0.3, -0.4, 0.5]))])
            : Op(g, "Relu", [input]);
        Graph.SetType(x, new TensorType(type, shape));
        Value inCube = cubeOf is null ? x : g.AddInput(cubeOf, new TensorType(type, shape));
        Value y = form switch
        {
            Form.TorchlibPow => Op(g, "Mul", [x, Op(g, "Mul", [C("half", 0.5), Op(g, "Add", [
                Op(g, "Tanh", [Op(g, "Mul", [
                    // what constant folding leaves of Sqrt(Div(2, pi)) computed in float
                    C("beta", MathF.Sqrt(2f / MathF.PI) * (beta / Beta)),
                    Op(g, "Add", [x, Op(g, "Mul", [C("kappa", kappa), Op(g, "Pow", [inCube, C("three", 3)])])])])]),
                C("one", 1)])])]),
            Form.CubeAsMuls => Op(g, "Mul", [C("half", 0.5), Op(g, "Mul", [x, Op(g, "Add", [C("one", 1),
                Op(g, "Tanh", [Op(g, "Mul", [C("beta", beta),
                    Op(g, "Add", [x, Op(g, "Mul", [C("kappa", kappa), Op(g, "Mul", [inCube, Op(g, "Mul", [inCube, inCube])])])])])])])])]),
            Form.FactoredSquare => Op(g, "Mul", [Op(g, "Mul", [C("half", 0.5), x]), Op(g, "Add", [C("one", 1),
                Op(g, "Tanh", [Op(g, "Mul", [Op(g, "Mul", [x, C("beta", beta)]),
                    Op(g, "Add", [C("one_inner", 1), Op(g, "Mul", [Op(g, "Mul", [C("kappa", kappa), inCube]), inCube])])])])])]),
            Form.FoldedTerms => Op(g, "Mul", [Op(g, "Mul", [x, C("half", 0.5)]), Op(g, "Add", [
                Op(g, "Tanh", [Op(g, "Add", [Op(g, "Mul", [x, C("beta", beta)]),
                    Op(g, "Mul", [Op(g, "Pow", [inCube, Ints(g, "three", 3)]), C("beta_kappa", (double)beta * kappa)])])]),
                C("one", 1)])]),
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        foreach (Node n in g.Nodes.Where(n => n.Outputs[0]!.Type is null))
        {
            Graph.SetType(n.Outputs[0]!, new TensorType(type, shape));
        }

        g.AddOutput(y);
        return m;
    }

    [Theory]
    [InlineData(Form.TorchlibPow)]
    [InlineData(Form.CubeAsMuls)]
    [InlineData(Form.FactoredSquare)]
    [InlineData(Form.FoldedTerms)]
    public void FusesEveryExporterFormAndMatchesOrt(Form form)
    {
        Model m = Build(form);
        string xProducer = m.Graph.Nodes[0].OpType;
        OrtCheck.AssertPreserved(m, model => Assert.Equal(1, RuleRunner.Apply(model, new GeluTanhFusion()).Applied));
        Assert.Equal([xProducer, "Gelu"], m.Graph.Nodes.Select(n => n.OpType));
        Node gelu = m.Graph.Nodes[1];
        Assert.Equal("tanh", gelu.GetString("approximate", "none"));
        Assert.Equal(m.Graph.Nodes[0].Outputs[0], gelu.Input(0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RunsInO2AfterFoldingSqrtOfTwoOverPiAndCanBeDisabled(bool disabled)
    {
        Model m = BuildWithUnfoldedBeta();
        var options = new PassOptions { DisabledPasses = disabled ? ["fuse-gelu-tanh"] : [] };
        OrtCheck.AssertPreserved(m, model => PassPipelines.Build(OptLevel.O2, options).Run(model, Context(options)));
        Assert.Equal(disabled ? 0 : 1, Count(m, "Gelu"));
        Assert.Equal(disabled ? 1 : 0, Count(m, "Tanh"));
        Assert.Equal(0, Count(m, "Sqrt"));
        Assert.Contains(PassRegistry.Entries, e => e.Name == "fuse-gelu-tanh" && e.Parent == "fuse-local");
    }

    /// <summary>The torchlib form as exported, before constant folding: beta is Sqrt(Div(2, pi)).</summary>
    private static Model BuildWithUnfoldedBeta()
    {
        Model m = Build(Form.TorchlibPow);
        Graph g = m.Graph;
        Value beta = g.FindValue("beta")!;
        Use use = beta.Uses[0];
        Node div = g.AddNode("Div", [Const(g, "two", [], [2f]), Const(g, "pi", [], [MathF.PI])], 1, before: use.Node);
        Node sqrt = g.AddNode("Sqrt", [div.Outputs[0]], 1, before: use.Node);
        Graph.SetType(div.Outputs[0]!, Float());
        Graph.SetType(sqrt.Outputs[0]!, Float());
        g.SetInput(use.Node, use.InputIndex, sqrt.Outputs[0]);
        g.RemoveInitializer(beta);
        return m;
    }

    [Fact]
    public void LeavesTheExactGeluToFuseGelu()
    {
        Model m = Build(Form.CubeAsMuls);
        Node tanh = m.Graph.Nodes.First(n => n.OpType == "Tanh");
        Node erf = m.Graph.AddNode("Erf", [tanh.Input(0)], 1, before: tanh);
        Graph.SetType(erf.Outputs[0]!, tanh.Outputs[0]!.Type!);
        m.Graph.ReplaceAllUsesWith(tanh.Outputs[0]!, erf.Outputs[0]!);
        m.Graph.RemoveNode(tanh);
        RuleRunner.AssertRejected(m, new GeluTanhFusion(), "no (1 + Tanh) factor");
    }

    [Fact]
    public void RejectsOpsetBelow20() =>
        RuleRunner.AssertRejected(Build(Form.TorchlibPow, opset: 19), new GeluTanhFusion(), "the rewrite needs 20");

    [Fact]
    public void RejectsSharedInteriorValues()
    {
        Model m = Build(Form.CubeAsMuls);
        Node tanh = m.Graph.Nodes.First(n => n.OpType == "Tanh");
        Output(m.Graph, Op(m.Graph, "Neg", [tanh.Input(0)]), Float(2, 5));
        RuleRunner.AssertRejected(m, new GeluTanhFusion(), "also read by");
    }

    [Theory]
    [InlineData(Form.TorchlibPow)]
    [InlineData(Form.FactoredSquare)]
    public void RejectsAWrongCubicCoefficient(Form form) =>
        RuleRunner.AssertRejected(Build(form, kappa: 0.044f), new GeluTanhFusion(), "not 0.044715");

    [Theory]
    [InlineData(Form.TorchlibPow)]
    [InlineData(Form.FoldedTerms)]
    public void RejectsAWrongScale(Form form) =>
        RuleRunner.AssertRejected(Build(form, beta: 0.7978f), new GeluTanhFusion(), "not sqrt(2/pi)");

    [Fact]
    public void RejectsAConstantThatBroadcastsTheProduct()
    {
        Model m = Build(Form.CubeAsMuls);
        m.Graph.SetInitializer(m.Graph.FindValue("half")!, TensorData.FromFloats([1, 1, 1], [0.5f]));
        Graph.SetType(m.Graph.Outputs[0], Float(1, 2, 5));
        RuleRunner.AssertRejected(m, new GeluTanhFusion(), "a constant broadcasts it");
    }

    [Fact]
    public void RejectsNonFloat() =>
        RuleRunner.AssertRejected(Build(Form.CubeAsMuls, type: ElementType.Double), new GeluTanhFusion(), "is not FLOAT");

    [Theory]
    [InlineData(Form.TorchlibPow)]
    [InlineData(Form.CubeAsMuls)]
    [InlineData(Form.FactoredSquare)]
    public void RejectsACubeOfAnotherValue(Form form) =>
        RuleRunner.AssertRejected(Build(form, cubeOf: "other"), new GeluTanhFusion(), "reads %other, which is neither x");

    [Fact]
    public void RejectsAnArgumentWithoutTheCubicTerm()
    {
        Model m = Build(Form.CubeAsMuls);
        Node tanh = m.Graph.Nodes.First(n => n.OpType == "Tanh");
        Node betaMul = tanh.Input(0)!.Producer!;
        m.Graph.SetInput(betaMul, 1, m.Graph.Nodes.First(n => n.OpType == "Relu").Outputs[0]);
        RuleRunner.AssertRejected(m, new GeluTanhFusion(), "not a*x + b*x^3");
    }
}
