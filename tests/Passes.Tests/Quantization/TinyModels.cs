// Test helper: small hand-built float models and .npy sample sets for quantization tests.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Tests.Evaluation.Data;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Quantization;

internal static class TinyModels
{
    public static TensorData Random(long[] dims, int seed, double lo = -1, double hi = 1)
    {
        var rng = new Random(seed);
        long n = TensorData.CountElements(dims);
        return TensorData.FromFloats(dims, [.. Enumerable.Range(0, (int)n).Select(_ => (float)(lo + ((hi - lo) * rng.NextDouble())))]);
    }

    /// <summary>
    /// x[N,3,8,8] → Conv(3x3, pad 1) → Relu → MaxPool 2 → {Conv 1x1 → Add(·, pooled)} → Concat(sum, Sigmoid(sum))
    /// → GlobalAveragePool → Flatten → Gemm → logits[N,5]: every op kind of the list in a few nodes.
    /// </summary>
    public static Model ConvNet()
    {
        var m = new Model();
        m.SetOpset("", 13);
        Graph g = m.Graph;
        Value x = g.AddInput("x", new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 3, 8, 8])));
        Value w1 = g.AddInitializer("w1", Random([4, 3, 3, 3], 1));
        Value b1 = g.AddInitializer("b1", Random([4], 2, -0.1, 0.1));
        Node conv1 = g.AddNode("Conv", [x, w1, b1], ["c1"], [NodeAttribute.Of("pads", 1L, 1L, 1L, 1L)], name: "conv1");
        Node relu = g.AddNode("Relu", [conv1.Outputs[0]], ["r1"], name: "relu1");
        Node pool = g.AddNode("MaxPool", [relu.Outputs[0]], ["p1"], [NodeAttribute.Of("kernel_shape", 2L, 2L), NodeAttribute.Of("strides", 2L, 2L)], name: "pool1");
        Value w2 = g.AddInitializer("w2", Random([4, 4, 1, 1], 3));
        Node conv2 = g.AddNode("Conv", [pool.Outputs[0], w2], ["c2"], name: "conv2");
        Node add = g.AddNode("Add", [conv2.Outputs[0], pool.Outputs[0]], ["sum"], name: "add");
        Node sig = g.AddNode("Sigmoid", [add.Outputs[0]], ["sig"], name: "sigmoid");
        Node cat = g.AddNode("Concat", [add.Outputs[0], sig.Outputs[0]], ["cat"], [NodeAttribute.Of("axis", 1L)], name: "concat");
        Node gap = g.AddNode("GlobalAveragePool", [cat.Outputs[0]], ["gap"], name: "gap");
        Node flat = g.AddNode("Flatten", [gap.Outputs[0]], ["flat"], name: "flatten");
        Value w3 = g.AddInitializer("w3", Random([5, 8], 4));
        Value b3 = g.AddInitializer("b3", Random([5], 5, -0.1, 0.1));
        Node gemm = g.AddNode("Gemm", [flat.Outputs[0], w3, b3], ["logits"], [NodeAttribute.Of("transB", 1L)], name: "fc");
        Graph.SetType(gemm.Outputs[0]!, new TensorType(ElementType.Float, new TensorShape([Dim.Symbol("N"), 5])));
        g.AddOutput(gemm.Outputs[0]!);
        return m;
    }

    /// <summary>Random float samples [count, ..itemShape] written as .npy and opened for <paramref name="model"/>'s input.</summary>
    public static SampleSet Samples(string folder, Model model, long[] itemShape, int count, int seed, double lo = -1, double hi = 1)
    {
        string path = Path.Combine(folder, $"samples-{seed}.npy");
        long[] shape = [count, .. itemShape];
        NpyWriter.WriteFloat32(path, shape, Random(shape, seed, lo, hi).ToFloats());
        Value input = model.Graph.Inputs[0];
        ModelInputSpec spec = ModelInputSpec.Float32(input.Name, [.. input.Shape!.Dims.Select(d => d.Value ?? -1)]);
        return SampleSet.Open(path, [spec], PreprocessOptions.None);
    }
}
