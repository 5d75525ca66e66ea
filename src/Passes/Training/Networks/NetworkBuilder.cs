// Builds small image classifiers directly in the IR with seeded He initialization, for training from scratch.
namespace Onnxc.Passes.Training.Networks;

/// <summary>
/// A sequential network over an NCHW image input with a symbolic batch N, written as standard ONNX: Conv (with
/// bias), Relu, MaxPool, BatchNormalization (inference form; training switches it to batch statistics),
/// GlobalAveragePool, Flatten and Gemm, named per kind (conv1, bn1, relu1, pool1, flatten, fc1, …). Weights are drawn from a generator seeded by the caller: Kaiming-normal
/// for Conv and Gemm (σ = √(2/fan_in)), zero biases, BatchNorm γ = 1, β = 0, mean 0, variance 1. The same seed
/// gives the same bytes.
/// </summary>
public sealed class NetworkBuilder
{
    private readonly GraphBuilder _builder;
    private readonly Random _rng;
    private Value _current;
    private readonly Dictionary<string, int> _counts = [];

    /// <summary>Starts a network on input <paramref name="inputName"/> of [N, channels, height, width].</summary>
    public NetworkBuilder(string inputName, int channels, int height, int width, int seed, long opset = 17)
    {
        var model = new Model("network") { IrVersion = 8, ProducerName = "onnxc" };
        model.SetOpset("", opset);
        _builder = new GraphBuilder(model.Graph);
        _rng = new Random(seed);
        _current = _builder.Input(inputName, ElementType.Float, Dim.Symbol("N"), channels, height, width);
    }

    public Model Model => _builder.Model;

    /// <summary>Conv with <paramref name="outChannels"/> filters of k×k, stride and symmetric padding; a bias unless <paramref name="bias"/> is false (as before a BatchNormalization).</summary>
    public NetworkBuilder Conv(int outChannels, int kernel, int stride = 1, int pad = 0, bool bias = true)
    {
        RequireRank(4, "Conv");
        long cin = Size(1);
        string name = Name("conv");
        Value w = _builder.Initializer(name + ".weight",
            TensorData.FromFloats([outChannels, cin, kernel, kernel], He(outChannels * cin * kernel * kernel, cin * kernel * kernel)));
        Value? b = bias ? _builder.Initializer(name + ".bias", TensorData.FromFloats([outChannels], new float[outChannels])) : null;
        _current = Add("Conv", name, bias ? [_current, w, b] : [_current, w],
            NodeAttribute.Of("kernel_shape", new long[] { kernel, kernel }),
            NodeAttribute.Of("strides", new long[] { stride, stride }),
            NodeAttribute.Of("pads", new long[] { pad, pad, pad, pad }));
        return this;
    }

    public NetworkBuilder BatchNorm()
    {
        RequireRank(4, "BatchNormalization");
        int c = (int)Size(1);
        string name = Name("bn");
        var ones = Enumerable.Repeat(1f, c).ToArray();
        Value scale = _builder.Initializer(name + ".weight", TensorData.FromFloats([c], ones));
        Value bias = _builder.Initializer(name + ".bias", TensorData.FromFloats([c], new float[c]));
        Value mean = _builder.Initializer(name + ".running_mean", TensorData.FromFloats([c], new float[c]));
        Value var = _builder.Initializer(name + ".running_var", TensorData.FromFloats([c], ones));
        _current = Add("BatchNormalization", name, [_current, scale, bias, mean, var], NodeAttribute.Of("epsilon", 1e-5f));
        return this;
    }

    public NetworkBuilder Relu()
    {
        _current = Add("Relu", Name("relu"), [_current]);
        return this;
    }

    /// <summary>Dropout with drop probability <paramref name="ratio"/> (the identity in inference).</summary>
    public NetworkBuilder Dropout(float ratio)
    {
        string name = Name("dropout");
        Value p = _builder.Initializer(Model.FreshName(name + ".ratio"), TensorData.Scalar(ratio));
        _current = Add("Dropout", name, [_current, p]);
        return this;
    }

    public NetworkBuilder MaxPool(int kernel, int stride)
    {
        RequireRank(4, "MaxPool");
        _current = Add("MaxPool", Name("pool"), [_current],
            NodeAttribute.Of("kernel_shape", new long[] { kernel, kernel }), NodeAttribute.Of("strides", new long[] { stride, stride }));
        return this;
    }

    public NetworkBuilder GlobalAveragePool()
    {
        RequireRank(4, "GlobalAveragePool");
        _current = Add("GlobalAveragePool", Name("gap"), [_current]);
        return this;
    }

    public NetworkBuilder Flatten()
    {
        _current = Add("Flatten", Name("flatten", numberFirst: false), [_current], NodeAttribute.Of("axis", 1L));
        return this;
    }

    /// <summary>A fully connected layer y = x·Wᵀ + b (Gemm with transB), W of [out, in].</summary>
    public NetworkBuilder Dense(int outFeatures)
    {
        RequireRank(2, "Gemm");
        long fin = Size(1);
        string name = Name("fc");
        Value w = _builder.Initializer(name + ".weight", TensorData.FromFloats([outFeatures, fin], He(outFeatures * fin, fin)));
        Value b = _builder.Initializer(name + ".bias", TensorData.FromFloats([outFeatures], new float[outFeatures]));
        _current = Add("Gemm", name, [_current, w, b], NodeAttribute.Of("transB", 1L));
        return this;
    }

    /// <summary>Makes the current value the graph output <paramref name="outputName"/> and returns the model.</summary>
    public Model Build(string outputName = "logits")
    {
        Model.Graph.Rename(_current, outputName);
        Model.Graph.AddOutput(_current);
        GraphIR.Verification.Verifier.Verify(Model);
        return Model;
    }

    /// <summary>Adds a layer's node; the builder infers its output type, which the next layer reads its sizes from.</summary>
    private Value Add(string op, string name, Value?[] inputs, params NodeAttribute[] attributes) =>
        _builder.Add(op, inputs, [name + "_out"], attributes, name: name).Outputs[0]!;

    /// <summary>Dimension <paramref name="axis"/> of the current value (the batch dim is symbolic, the others known).</summary>
    private long Size(int axis) => _current.Shape![axis].Value!.Value;

    /// <summary>Layers are numbered per kind (conv1, conv2, bn1, relu1 …); a lone Flatten is just "flatten".</summary>
    private string Name(string kind, bool numberFirst = true)
    {
        int n = _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        return n == 1 && !numberFirst ? kind : $"{kind}{n}";
    }

    private float[] He(long count, long fanIn) => SeededNormal.Draw(_rng, count, Math.Sqrt(2.0 / fanIn));

    private void RequireRank(int rank, string op)
    {
        int current = _current.Shape!.Rank;
        if (current != rank)
        {
            throw new InvalidOperationException($"{op} needs a rank-{rank} value; the network is at rank {current}");
        }
    }
}
