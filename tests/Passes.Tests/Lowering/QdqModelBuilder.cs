// Builds small QDQ models in code, in the form the quantizer emits (Q -> DQ around activations, int8 weights).
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Lowering;

/// <summary>
/// A test model under construction. Activations are quantized per tensor (<see cref="Qdq"/>), weights
/// symmetric int8 per output channel, biases int32 at scale s_x * s_w, exactly as ONNX Runtime's QDQ
/// format and our quantizer write them, so ORT fuses the same groups into its integer kernels.
/// </summary>
internal sealed class QdqModelBuilder
{
    private readonly Random _random;
    private int _counter;

    public QdqModelBuilder(int seed, long opset = 13)
    {
        _random = new Random(seed);
        Model = new Model("lowering_test") { IrVersion = 8 };
        Model.SetOpset("", opset);
        B = new GraphBuilder(Model.Graph);
    }

    public Model Model { get; }

    public Graph G => Model.Graph;

    /// <summary>The typed builder every node goes through: outputs carry inferred types, as in an imported model.</summary>
    public GraphBuilder B { get; }

    /// <summary>The activation scale/zero point of each Q'd value, for tolerance checks.</summary>
    public Dictionary<Value, (float Scale, int ZeroPoint)> Params { get; } = [];

    public Value Input(string name, params long[] shape) =>
        G.AddInput(name, new TensorType(ElementType.Float, new TensorShape(shape)));

    public void Output(Value v) => G.AddOutput(v);

    public string Name(string hint) => $"{hint}_{_counter++}";

    /// <summary>x -> QuantizeLinear -> DequantizeLinear with per-tensor parameters covering [lo, hi].</summary>
    public Value Qdq(Value x, float lo, float hi, bool signed = false)
    {
        lo = Math.Min(lo, 0);
        hi = Math.Max(hi, 0);
        int qmin = signed ? -128 : 0;
        int qmax = signed ? 127 : 255;
        float scale = (hi - lo) / (qmax - qmin);
        int zp = Math.Clamp((int)Math.Round(qmin - (lo / scale)), qmin, qmax);
        var s = G.AddConstant(Name("scale"), TensorData.Scalar(scale));
        var z = G.AddConstant(Name("zp"), signed ? TensorData.FromSBytes([], [(sbyte)zp]) : TensorData.FromBytesU8([], [(byte)zp]));
        var q = B.Add("QuantizeLinear", [x, s, z], [Name("q")]).Outputs[0]!;
        var dq = B.Add("DequantizeLinear", [q, s, z], [Name("dq")]).Outputs[0]!;
        Params[dq] = (scale, zp);
        return dq;
    }

    /// <summary>x -> Q -> DQ with the same scale and zero point constants as <paramref name="like"/> (shared parameters).</summary>
    public Value QdqLike(Value x, Value like)
    {
        var dq = like.Producer!;
        var q = B.Add("QuantizeLinear", [x, dq.Input(1), dq.Input(2)], [Name("q")]).Outputs[0]!;
        var result = B.Add("DequantizeLinear", [q, dq.Input(1), dq.Input(2)], [Name("dq")]).Outputs[0]!;
        Params[result] = Params[like];
        return result;
    }

    /// <summary>
    /// Random float weights quantized to symmetric 7-bit int8 ([-63, 63]) along <paramref name="axis"/>, behind a DQ:
    /// the models are references run by ONNX Runtime, whose AVX2 u8·s8 kernels saturate with full-range weights on
    /// CPUs without VNNI (these tests failed there and passed on VNNI machines).
    /// </summary>
    public (Value Dq, float[] Scales) Weights(long[] dims, int axis, float range, bool perChannel = true)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        float[] w = Enumerable.Range(0, (int)count).Select(_ => ((float)_random.NextDouble() * 2 - 1) * range).ToArray();
        int channels = perChannel ? (int)dims[axis] : 1;
        long inner = dims.Skip(axis + 1).Aggregate(1L, (a, d) => a * d);
        var scales = new float[channels];
        for (long i = 0; i < count; i++)
        {
            int c = perChannel ? (int)(i / inner % channels) : 0;
            scales[c] = Math.Max(scales[c], Math.Abs(w[i]) / 63f);
        }

        var q = new sbyte[count];
        for (long i = 0; i < count; i++)
        {
            int c = perChannel ? (int)(i / inner % channels) : 0;
            q[i] = (sbyte)Math.Clamp(Math.Round(w[i] / scales[c]), -63, 63);
        }

        var data = G.AddConstant(Name("w"), TensorData.FromSBytes(dims, q));
        long[] pdims = perChannel ? [channels] : [];
        var s = G.AddConstant(Name("w_scale"), TensorData.FromFloats(pdims, scales));
        var z = G.AddConstant(Name("w_zp"), TensorData.FromSBytes(pdims, new sbyte[channels]));
        var attrs = perChannel ? new[] { NodeAttribute.Of("axis", (long)axis) } : null;
        return (B.Add("DequantizeLinear", [data, s, z], [Name("w_dq")], attrs).Outputs[0]!, scales);
    }

    /// <summary>Random int32 bias at scale s_x * s_w[c], behind a DQ.</summary>
    public Value Bias(int channels, float inputScale, float[] weightScales, float range)
    {
        var scales = Enumerable.Range(0, channels).Select(c => inputScale * weightScales[weightScales.Length == 1 ? 0 : c]).ToArray();
        var q = scales.Select(s => (int)Math.Round(((_random.NextDouble() * 2) - 1) * range / s)).ToArray();
        var data = G.AddConstant(Name("b"), TensorData.FromInt32s([channels], q));
        var s = G.AddConstant(Name("b_scale"), TensorData.FromFloats([channels], scales));
        var z = G.AddConstant(Name("b_zp"), TensorData.FromInt32s([channels], new int[channels]));
        return B.Add("DequantizeLinear", [data, s, z], [Name("b_dq")], [NodeAttribute.Of("axis", 0L)]).Outputs[0]!;
    }

    /// <summary>A quantized Conv with per-channel weights and int32 bias; returns the float conv output (before any Q).</summary>
    public Value Conv(Value x, int inChannels, int outChannels, int kernel, int stride = 1, int pad = 0, int dilation = 1, int group = 1, bool bias = true)
    {
        int fanIn = inChannels / group * kernel * kernel;
        var (w, ws) = Weights([outChannels, inChannels / group, kernel, kernel], 0, MathF.Sqrt(3f / fanIn));
        var inputs = new List<Value?> { x, w };
        if (bias)
        {
            inputs.Add(Bias(outChannels, Params[x].Scale, ws, 0.2f));
        }

        return B.Add("Conv", inputs, [Name("conv")],
        [
            NodeAttribute.Of("kernel_shape", kernel, kernel), NodeAttribute.Of("strides", stride, stride),
            NodeAttribute.Of("pads", pad, pad, pad, pad), NodeAttribute.Of("dilations", dilation, dilation), NodeAttribute.Of("group", (long)group),
        ]).Outputs[0]!;
    }

    public Value Op(string op, IReadOnlyList<Value?> inputs, params NodeAttribute[] attributes) =>
        B.Add(op, inputs, [Name(op.ToLowerInvariant())], attributes).Outputs[0]!;

    public Value Const(float[] values, params long[] dims) => G.AddConstant(Name("c"), TensorData.FromFloats(dims, values));

    public Value ConstInts(params long[] values) => G.AddConstant(Name("i"), TensorData.FromInt64s([values.Length], values));

    public float[] RandomInput(long count, float lo = -1, float hi = 1) =>
        Enumerable.Range(0, (int)count).Select(_ => lo + ((float)_random.NextDouble() * (hi - lo))).ToArray();
}
