// Builds a small vision transformer directly in the IR, written as PyTorch's exporter writes one, for training from scratch.
namespace Onnxc.Passes.Training.Networks;

/// <summary>The shape of a <see cref="VisionTransformer"/>.</summary>
/// <param name="Channels">Image channels.</param>
/// <param name="ImageSize">Image height and width.</param>
/// <param name="Patch">Patch height and width; <paramref name="ImageSize"/> must be a multiple of it.</param>
/// <param name="Dim">Token width.</param>
/// <param name="Heads">Attention heads; <paramref name="Dim"/> must be a multiple of it.</param>
/// <param name="Depth">Encoder blocks.</param>
/// <param name="MlpDim">Hidden width of each block's MLP.</param>
/// <param name="Classes">Logits.</param>
public sealed record VitShape(int Channels, int ImageSize, int Patch, int Dim, int Heads, int Depth, int MlpDim, int Classes)
{
    public int Tokens => ImageSize / Patch * (ImageSize / Patch);
}

/// <summary>
/// A pre-norm vision transformer over an NCHW image with a symbolic batch N, in standard ONNX as PyTorch exports
/// one: a strided Conv patch embedding, Reshape + Transpose to [N, T, D] and a learned position embedding; then per
/// block LayerNorm → Q, K, V projections (MatMul + Add) → heads by Reshape/Transpose → MatMul, Mul by 1/√d,
/// Softmax, MatMul → merge heads → output projection → residual Add, and LayerNorm → MatMul + Add → GELU (erf
/// form) → MatMul + Add → residual Add; a final LayerNorm, the mean over tokens and a Gemm classifier. At opset 17
/// and later LayerNorm is one LayerNormalization node; before 17 it is the decomposed ReduceMean, Sub, Pow,
/// ReduceMean, Add, Sqrt, Div, Mul, Add chain of older exporters. Names follow the block (block1.attn.q.weight, …),
/// so the two forms share every initializer name and a trained opset-17 model's weights fit the opset-13 form.
/// Weights are drawn from a generator seeded by the caller (normal, σ = 0.02 for projections, √(2/fan_in) for the
/// patch Conv); biases and LayerNorm shifts are zero, scales one. The same seed gives the same bytes.
/// </summary>
public static class VisionTransformer
{
    public static Model Build(VitShape shape, int seed, long opset = 17, string inputName = "image", string outputName = "logits")
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.ImageSize % shape.Patch != 0 || shape.Dim % shape.Heads != 0)
        {
            throw new ArgumentException($"image {shape.ImageSize} must be a multiple of patch {shape.Patch}, and dim {shape.Dim} of heads {shape.Heads}", nameof(shape));
        }

        if (opset is < 13 or > 17)
        {
            throw new ArgumentOutOfRangeException(nameof(opset), opset, "the vision transformer is written for opsets 13 to 17");
        }

        var model = new Model("vit") { IrVersion = 8, ProducerName = "onnxc" };
        model.SetOpset("", opset);
        var b = new Writer(new GraphBuilder(model.Graph), new Random(seed), opset);
        int t = shape.Tokens, d = shape.Dim;

        Value image = b.G.Input(inputName, ElementType.Float, Dim.Symbol("N"), shape.Channels, shape.ImageSize, shape.ImageSize);
        int fanIn = shape.Channels * shape.Patch * shape.Patch;
        Value pw = b.Weight("patch.weight", [d, shape.Channels, shape.Patch, shape.Patch], Math.Sqrt(2.0 / fanIn));
        Value pb = b.Zeros("patch.bias", [d]);
        Value x = b.Node("Conv", "patch", [image, pw, pb],
            NodeAttribute.Of("kernel_shape", new long[] { shape.Patch, shape.Patch }),
            NodeAttribute.Of("strides", new long[] { shape.Patch, shape.Patch }));
        x = b.Node("Reshape", "patch.flatten", [x, b.Shape("patch.flatten.shape", 0, d, t)]);
        x = b.Node("Transpose", "patch.tokens", [x], NodeAttribute.Of("perm", new long[] { 0, 2, 1 }));
        x = b.Node("Add", "pos", [x, b.Weight("pos.embedding", [1, t, d], 0.02)]);

        for (int i = 1; i <= shape.Depth; i++)
        {
            string p = $"block{i}";
            x = b.Node("Add", p + ".attn.residual", [x, Attention(b, shape, p + ".attn", b.LayerNorm(p + ".norm1", x, d))]);
            Value h = b.Linear(p + ".mlp.fc1", b.LayerNorm(p + ".norm2", x, d), d, shape.MlpDim);
            x = b.Node("Add", p + ".mlp.residual", [x, b.Linear(p + ".mlp.fc2", b.Gelu(p + ".mlp.gelu", h), shape.MlpDim, d)]);
        }

        x = b.LayerNorm("norm", x, d);
        x = b.Node("ReduceMean", "pool", [x], NodeAttribute.Of("axes", new long[] { 1 }), NodeAttribute.Of("keepdims", 0L));
        Value hw = b.Weight("head.weight", [shape.Classes, d], 0.02);
        x = b.Node("Gemm", "head", [x, hw, b.Zeros("head.bias", [shape.Classes])], NodeAttribute.Of("transB", 1L));
        model.Graph.Rename(x, outputName);
        model.Graph.AddOutput(x);
        GraphIR.Verification.Verifier.Verify(model);
        return model;
    }

    /// <summary>Multi-head self-attention over [N, T, D] tokens with its output projection.</summary>
    private static Value Attention(Writer b, VitShape shape, string p, Value x)
    {
        int t = shape.Tokens, d = shape.Dim, heads = shape.Heads, dh = d / heads;
        Value Heads(string name, long[] perm) =>
            b.Node("Transpose", $"{p}.{name}.heads", [b.Node("Reshape", $"{p}.{name}.split", [b.Linear($"{p}.{name}", x, d, d), b.Shape($"{p}.{name}.split.shape", 0, t, heads, dh)])],
                NodeAttribute.Of("perm", perm));

        Value q = Heads("q", [0, 2, 1, 3]);   // [N, H, T, dh]
        Value k = Heads("k", [0, 2, 3, 1]);   // [N, H, dh, T]
        Value v = Heads("v", [0, 2, 1, 3]);   // [N, H, T, dh]
        Value scores = b.Node("Mul", p + ".scale", [b.Node("MatMul", p + ".scores", [q, k]), b.Constant(p + ".scale.value", (float)(1 / Math.Sqrt(dh)))]);
        Value probs = b.Node("Softmax", p + ".softmax", [scores], NodeAttribute.Of("axis", -1L));
        Value ctx = b.Node("Transpose", p + ".merge", [b.Node("MatMul", p + ".context", [probs, v])], NodeAttribute.Of("perm", new long[] { 0, 2, 1, 3 }));
        ctx = b.Node("Reshape", p + ".merge.reshape", [ctx, b.Shape(p + ".merge.shape", 0, t, d)]);
        return b.Linear(p + ".proj", ctx, d, d);
    }

    private sealed class Writer(GraphBuilder g, Random rng, long opset)
    {
        public GraphBuilder G { get; } = g;

        public Value Node(string op, string name, Value?[] inputs, params NodeAttribute[] attributes) =>
            G.Add(op, inputs, [name + "_out"], attributes, name: name).Outputs[0]!;

        public Value Weight(string name, long[] dims, double sigma) => G.Initializer(name, TensorData.FromFloats(dims, Normal(dims.Aggregate(1L, (a, n) => a * n), sigma)));

        public Value Zeros(string name, long[] dims) => G.Initializer(name, TensorData.FromFloats(dims, new float[dims.Aggregate(1L, (a, n) => a * n)]));

        public Value Constant(string name, float value) => G.Initializer(name, TensorData.Scalar(value));

        public Value Shape(string name, params long[] dims) => G.Initializer(name, TensorData.FromInt64s([dims.Length], dims));

        /// <summary>x·W + b over the last axis, W stored [in, out] as PyTorch exports a Linear on a rank-3 input.</summary>
        public Value Linear(string name, Value x, int fin, int fout) =>
            Node("Add", name + ".bias_add", [Node("MatMul", name, [x, Weight(name + ".weight", [fin, fout], 0.02)]), Zeros(name + ".bias", [fout])]);

        public Value LayerNorm(string name, Value x, int d)
        {
            Value scale = G.Initializer(name + ".weight", TensorData.FromFloats([d], Enumerable.Repeat(1f, d).ToArray()));
            Value shift = Zeros(name + ".bias", [d]);
            if (opset >= 17)
            {
                return Node("LayerNormalization", name, [x, scale, shift], NodeAttribute.Of("axis", -1L), NodeAttribute.Of("epsilon", 1e-5f));
            }

            NodeAttribute[] lastAxis = [NodeAttribute.Of("axes", new long[] { -1 }), NodeAttribute.Of("keepdims", 1L)];
            Value centered = Node("Sub", name + ".center", [x, Node("ReduceMean", name + ".mean", [x], lastAxis)]);
            Value variance = Node("ReduceMean", name + ".var", [Node("Pow", name + ".square", [centered, Constant(name + ".two", 2f)])], lastAxis);
            Value std = Node("Sqrt", name + ".std", [Node("Add", name + ".eps_add", [variance, Constant(name + ".eps", 1e-5f)])]);
            Value normed = Node("Div", name + ".normalize", [centered, std]);
            return Node("Add", name + ".shift", [Node("Mul", name + ".scale", [normed, scale]), shift]);
        }

        /// <summary>GELU as x · ½(1 + erf(x/√2)), the exporter's form.</summary>
        public Value Gelu(string name, Value x)
        {
            Value erf = Node("Erf", name + ".erf", [Node("Div", name + ".div", [x, Constant(name + ".sqrt2", MathF.Sqrt(2))])]);
            Value half = Node("Mul", name + ".mul", [x, Node("Add", name + ".add", [erf, Constant(name + ".one", 1f)])]);
            return Node("Mul", name, [half, Constant(name + ".half", 0.5f)]);
        }

        private float[] Normal(long count, double sigma) => SeededNormal.Draw(rng, count, sigma);
    }
}
