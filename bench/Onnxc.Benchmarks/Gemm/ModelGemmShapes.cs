// Derives the implicit-GEMM sizes of a model's Conv and Gemm layers with onnxc's own shape inference.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Benchmarks.Gemm;

/// <summary>
/// Reads a float ONNX model, runs <see cref="ShapeInference"/> and turns every 2-D Conv and every Gemm with a
/// constant B into the GEMM the INT8 lowering runs for it (see <c>Int8Lowering</c> and <c>ConvStep</c>):
/// <list type="bullet">
/// <item>Conv, X [B, C, H, W], W [OC, C/g, KH, KW], Y [B, OC, OH, OW]: one GEMM per group with
/// M = batch * OH * OW, N = OC / g, K = (C / g) * KH * KW. OH and OW are read from the inferred output shape,
/// so pads, strides, dilations and auto_pad are the shape inference's, not re-derived here.</item>
/// <item>Gemm, A [rows, K] (transA = 0), B constant [K, N] or [N, K] with transB = 1: M = rows, where a symbolic
/// row count is the batch.</item>
/// </list>
/// The batch replaces the model's symbolic leading dimension; a model whose batch is fixed must be asked for
/// that batch (the shapes of a fixed-batch graph do not scale).
/// </summary>
public static class ModelGemmShapes
{
    public static IReadOnlyList<GemmShape> FromModel(string path, string label, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        Model model = OnnxImporter.Load(path);
        ShapeInference.Run(model);
        var shapes = new List<GemmShape>();
        foreach (Node node in model.Graph.Nodes)
        {
            // Caffe2 exports leave nodes unnamed; their output names (conv1, fire2/squeeze1x1, ...) say the layer.
            string name = !string.IsNullOrEmpty(node.Name) ? node.Name : node.Output(0)?.Name ?? node.OpType;
            string where = $"{label}: {name}";
            if (node.OpType == "Conv")
            {
                shapes.Add(FromConv(node, batch, where, path));
            }
            else if (node.OpType == "Gemm" && ConstantShape(node.Input(1)) is { } b)
            {
                shapes.Add(FromGemm(node, b, batch, where, path));
            }
        }

        if (shapes.Count == 0)
        {
            throw new InvalidDataException($"{path}: no Conv or Gemm layer with constant weights");
        }

        return shapes;
    }

    private static GemmShape FromConv(Node node, int batch, string where, string path)
    {
        long[] w = ConstantShape(node.Input(1))
            ?? throw new InvalidDataException($"{path}: {node.Describe()} has no constant weights");
        TensorShape y = node.Output(0)?.Shape
            ?? throw new InvalidDataException($"{path}: shape inference left the output of {node.Describe()} unknown");
        if (w.Length != 4 || y.Rank != 4 || y[2].Value is not long oh || y[3].Value is not long ow)
        {
            throw new InvalidDataException($"{path}: {node.Describe()} is not a 2-D convolution with a known output size ({y})");
        }

        CheckBatch(y[0], batch, node, path);
        int groups = checked((int)node.GetInt("group", 1));
        int m = checked((int)(batch * oh * ow));
        int n = checked((int)(w[0] / groups));
        int k = checked((int)(w[1] * w[2] * w[3]));
        string layer = groups == 1 ? where : $"{where} (x{groups} groups)";
        return new GemmShape(m, n, k, [layer]);
    }

    private static GemmShape FromGemm(Node node, long[] b, int batch, string where, string path)
    {
        TensorShape a = node.Input(0)?.Shape
            ?? throw new InvalidDataException($"{path}: shape inference left the input of {node.Describe()} unknown");
        if (a.Rank != 2 || b.Length != 2 || node.GetInt("transA", 0) != 0)
        {
            throw new InvalidDataException($"{path}: {node.Describe()} is not a plain [M,K] x [K,N] Gemm");
        }

        CheckBatch(a[0], batch, node, path);
        bool transB = node.GetInt("transB", 0) != 0;
        int n = checked((int)(transB ? b[0] : b[1]));
        int k = checked((int)(transB ? b[1] : b[0]));
        return new GemmShape(batch, n, k, [where]);
    }

    /// <summary>The leading dimension must be symbolic (it becomes the batch) or already equal to it.</summary>
    private static void CheckBatch(Dim leading, int batch, Node node, string path)
    {
        if (leading.Value is long fixedBatch && fixedBatch != batch)
        {
            throw new InvalidDataException(
                $"{path}: {node.Describe()} has a fixed batch of {fixedBatch}; ask for batch {fixedBatch}, not {batch}");
        }
    }

    private static long[]? ConstantShape(Value? v) => v?.Initializer is { } t ? [.. t.Dims] : null;
}
