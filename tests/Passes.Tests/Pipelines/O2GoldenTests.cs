// Golden test: a small torch-style classifier through -O2, compared as printed IR text.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Printing;
using Onnxc.Passes.Pipelines;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Pipelines;

public sealed class O2GoldenTests
{
    /// <summary>
    /// x[N,2,4,4] -> Conv -> BatchNormalization -> Relu -> x.view(x.size(0), -1) -> MatMul + bias, with Constant
    /// nodes for the shape pieces and an Identity before the output, as exporters write it.
    /// </summary>
    private static Model Classifier()
    {
        Model m = NewModel(13);
        Graph g = m.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 2, 4, 4])));
        Value w = Const(g, "w", [3, 2, 1, 1], [1, 2, 3, 4, 5, 6]);
        Value conv = Op(g, "Conv", [x, w]);
        Value bn = Op(g, "BatchNormalization", [conv, Const(g, "gamma", [3], [1, 2, 4]), Const(g, "beta", [3], [0, 1, 0]),
            Const(g, "mean", [3], [0, 0, 1]), Const(g, "var", [3], [1, 1, 1])], NodeAttribute.Of("epsilon", 0f));
        Value relu = Op(g, "Relu", [bn]);
        Value zero = Op(g, "Constant", [], NodeAttribute.Of("value", TensorData.Scalar(0L)));
        Value dim0 = Op(g, "Gather", [Op(g, "Shape", [relu]), zero], NodeAttribute.Of("axis", 0L));
        Value minus1 = Op(g, "Constant", [], NodeAttribute.Of("value", TensorData.FromInt64s([1], [-1])));
        Value target = Op(g, "Concat", [Op(g, "Unsqueeze", [dim0, Ints(g, "axes", 0)]), minus1], NodeAttribute.Of("axis", 0L));
        Value flat = Op(g, "Reshape", [relu, target]);
        Value logits = Op(g, "Add", [Op(g, "MatMul", [flat, Const(g, "fc", [48, 2], new float[96])]), Const(g, "fc_bias", [2], [0.5f, -0.5f])]);
        Value y = g.AddNode("Identity", [logits], ["y"]).Outputs[0]!;
        g.AddOutput(y);
        Graph.SetType(y, new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 2])));
        return m;
    }

    /// <summary>
    /// BN folds into the Conv (W' = W * gamma / sqrt(var + eps), b' = (0 - mean) * gamma / sqrt(var + eps) + beta,
    /// here eps = 0 and var = 1 so the values can be checked by hand), the view's target becomes the constant [0, -1]
    /// that keeps the dynamic batch, MatMul + Add becomes Gemm, and the output keeps its name without the Identity.
    /// </summary>
    [Fact]
    public void ClassifierBecomesConvReluReshapeGemm()
    {
        Model m = Classifier();
        PassPipelines.Build(OptLevel.O2, PassOptions.Default with { VerifyEach = true }).Run(m, new PassContext(PassOptions.Default with { VerifyEach = true }));
        Assert.Equal(
            """
            graph main {
              input %x:FLOAT[N,2,4,4]
              init %fc:FLOAT[48,2]
              init %fc_bias:FLOAT[2] = {0.5, -0.5}
              init %concat_out_static:INT64[2] = {0, -1}
              init %w_bn:FLOAT[3,2,1,1] = {1, 2, 6, 8, 20, 24}
              init %w_bn_bias:FLOAT[3] = {0, 1, -4}
              %conv_out:FLOAT[N,3,4,4] = Conv(%x, %w_bn, %w_bn_bias)  # Conv
              %relu_out:FLOAT[N,3,4,4] = Relu(%conv_out)  # Relu
              %reshape_out:FLOAT[N,48] = Reshape(%relu_out, %concat_out_static)  # Reshape
              %y:FLOAT[N,2] = Gemm(%reshape_out, %fc, %fc_bias)  # MatMul_gemm
              output %y:FLOAT[N,2]
            }
            """.ReplaceLineEndings("\n"),
            IrPrinter.Print(m.Graph).TrimEnd('\n'));
    }
}
