// The float fallback: ops outside quantized islands run as float kernels on dequantized inputs.
using Onnxc.GraphIR;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering;

public sealed partial class Int8Lowering
{
    private void LowerFloat(Node node)
    {
        string source = node.Describe();
        var y = node.Outputs[0]!;
        switch (node.OpType)
        {
            case "Relu" or "Clip" or "Sigmoid" or "Tanh" or "Exp" or "LeakyRelu" or "Neg" or "Abs" or "Sqrt":
            {
                var x = AsFloat(node.Input(0)!);
                var output = _plan.NewLike(x, y.Name);
                float a = 0, b = 0;
                var kind = Enum.Parse<FloatUnaryKind>(node.OpType);
                if (kind == FloatUnaryKind.Clip)
                {
                    var clip = ClipActivation(node);
                    (a, b) = (clip.Min, clip.Max);
                }
                else if (kind == FloatUnaryKind.LeakyRelu)
                {
                    a = node.GetFloat("alpha", 0.01f);
                }

                _plan.Add(new FloatUnaryStep(source, x.Id, output.Id, kind, a, b));
                _values[y] = new FloatValue(output);
                return;
            }

            case "Add" or "Sub" or "Mul" or "Div" or "Max" or "Min" when node.Inputs.Count == 2:
                _values[y] = new FloatValue(Binary(node, Enum.Parse<FloatBinaryKind>(node.OpType)));
                return;
            case "Softmax" or "LogSoftmax":
                _values[y] = new FloatValue(Softmax(node));
                return;
            case "Gemm" or "MatMul":
                _values[y] = new FloatValue(FloatGemm(node));
                return;
            case "Conv":
                _values[y] = new FloatValue(FloatConv(node));
                return;
            case "MaxPool" or "AveragePool" or "GlobalAveragePool":
            {
                var x = _plan.InLayout(AsFloat(node.Input(0)!), PlanLayout.Logical, source);
                if (x.Shape.Length != 4)
                    throw new NotSupportedException($"cannot lower {source}: only 2-D pooling is supported");
                var g = PoolGeometryOf(node, x.Shape);
                var output = _plan.NewFloat(y.Name, [g.Batch, g.Channels, g.OutHeight, g.OutWidth]);
                var args = new FloatPoolArgs
                {
                    Kind = node.OpType == "MaxPool" ? 0 : 1, N = g.Batch, C = g.Channels, H = g.InHeight, W = g.InWidth, OH = g.OutHeight, OW = g.OutWidth,
                    KH = g.KernelHeight, KW = g.KernelWidth, StrideH = g.StrideHeight, StrideW = g.StrideWidth, PadTop = g.PadTop, PadLeft = g.PadLeft,
                    PadBottom = g.PadBottom, PadRight = g.PadRight, DilationH = g.DilationHeight, DilationW = g.DilationWidth, CountIncludePad = g.CountIncludePad ? 1 : 0,
                };
                _plan.Add(new FloatPoolStep(source, x.Id, output.Id, args));
                _values[y] = new FloatValue(output);
                return;
            }

            case "Concat":
                _values[y] = new FloatValue(FloatConcat(node));
                return;
            case "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze" or "Identity" or "Dropout" or "Transpose" or "Slice" or "Pad":
                _values[y] = new FloatValue(MoveData(node, AsFloat(node.Input(0)!), y.Name));
                return;
            default:
                throw new NotSupportedException($"cannot lower {source}: {node.OpType} has neither an INT8 nor a float kernel");
        }
    }

    /// <summary>Broadcasting binary op: operands right-aligned, stride 0 where an operand has extent 1.</summary>
    private PlanTensor Binary(Node node, FloatBinaryKind kind)
    {
        string source = node.Describe();
        var a = _plan.InLayout(AsFloat(node.Input(0)!), PlanLayout.Logical, source);
        var b = _plan.InLayout(AsFloat(node.Input(1)!), PlanLayout.Logical, source);
        int rank = Math.Max(a.Shape.Length, b.Shape.Length);
        int[] sa = Align(a.Shape, rank);
        int[] sb = Align(b.Shape, rank);
        int[] outShape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (sa[i] != sb[i] && sa[i] != 1 && sb[i] != 1)
                throw new NotSupportedException($"cannot lower {source}: shapes [{string.Join(",", a.Shape)}] and [{string.Join(",", b.Shape)}] do not broadcast");
            outShape[i] = Math.Max(sa[i], sb[i]);
        }

        if (rank > StridedCopyArgs.Rank)
            throw new NotSupportedException($"cannot lower {source}: rank {rank} > {StridedCopyArgs.Rank}");
        int[] stA = BroadcastStrides(sa, outShape);
        int[] stB = BroadcastStrides(sb, outShape);
        int[] d = Align(outShape, 6);
        int[] pa = Align0(stA, 6);
        int[] pb = Align0(stB, 6);
        var args = new ElementwiseArgs
        {
            Kind = (int)kind,
            D0 = d[0], D1 = d[1], D2 = d[2], D3 = d[3], D4 = d[4], D5 = d[5],
            SA0 = pa[0], SA1 = pa[1], SA2 = pa[2], SA3 = pa[3], SA4 = pa[4], SA5 = pa[5],
            SB0 = pb[0], SB1 = pb[1], SB2 = pb[2], SB3 = pb[3], SB4 = pb[4], SB5 = pb[5],
        };
        var output = _plan.NewFloat(node.Outputs[0]!.Name, outShape);
        _plan.Add(new FloatBinaryStep(source, a.Id, b.Id, output.Id, args));
        return output;

        static int[] BroadcastStrides(int[] shape, int[] outShape)
        {
            int[] strides = StridedCopyArgs.RowMajorStrides(shape);
            return strides.Select((st, i) => shape[i] == 1 && outShape[i] != 1 ? 0 : st).ToArray();
        }
    }

    private static int[] Align(int[] shape, int rank) => [.. Enumerable.Repeat(1, rank - shape.Length), .. shape];

    private static int[] Align0(int[] strides, int rank) => [.. Enumerable.Repeat(0, rank - strides.Length), .. strides];

    private PlanTensor Softmax(Node node)
    {
        var x = _plan.InLayout(AsFloat(node.Input(0)!), PlanLayout.Logical, node.Describe());
        int[] s = x.Shape;
        int axis = (int)node.GetInt("axis", Opset >= 13 ? -1 : 1);
        axis = axis < 0 ? axis + s.Length : axis;
        int outer = s.Take(axis).Aggregate(1, (p, d) => p * d);
        int size, inner;
        if (Opset >= 13)
        {
            size = s[axis];
            inner = s.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        }
        else
        {
            // Before opset 13 the input is coerced to 2-D [outer, rest] and normalized over rest.
            size = checked((int)(x.ElementCount / outer));
            inner = 1;
        }

        var output = _plan.NewFloat(node.Outputs[0]!.Name, s);
        var args = new SoftmaxArgs { Outer = outer, Axis = size, Inner = inner, Log = node.OpType == "LogSoftmax" ? 1 : 0 };
        _plan.Add(new SoftmaxStep(node.Describe(), x.Id, output.Id, args));
        return output;
    }

    private float[] ConstantFloats(Value v, string what, Node node) => Lookup(v) switch
    {
        ConstantValue c => c.Data.ToFloats(),
        DequantizedConstant d => d.ToFloats(),
        _ => throw new NotSupportedException($"cannot lower {node.Describe()}: its {what} is not a constant (float kernels need constant weights)"),
    };

    private PlanTensor FloatGemm(Node node)
    {
        string source = node.Describe();
        bool gemm = node.OpType == "Gemm";
        var x = _plan.InLayout(AsFloat(node.Input(0)!), PlanLayout.Logical, source);
        if (gemm && node.GetInt("transA", 0) != 0)
            throw new NotSupportedException($"cannot lower {source}: transA is not supported");
        var wValue = node.Input(1)!;
        int[] ws = ShapeOf(wValue);
        if (ws.Length != 2)
            throw new NotSupportedException($"cannot lower {source}: only 2-D constant weights are supported");
        float[] w = ConstantFloats(wValue, "weight", node);
        bool transB = gemm && node.GetInt("transB", 0) != 0;
        int k = transB ? ws[1] : ws[0];
        int n = transB ? ws[0] : ws[1];
        float alpha = gemm ? node.GetFloat("alpha", 1f) : 1f;
        float beta = gemm ? node.GetFloat("beta", 1f) : 1f;
        var kn = new float[k * n];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
                kn[(i * n) + j] = alpha * (transB ? w[(j * k) + i] : w[(i * n) + j]);
        }

        float[] bias = [];
        if (gemm && node.Input(2) is { } c)
        {
            float[] cv = ConstantFloats(c, "bias", node);
            if (cv.Length != 1 && cv.Length != n)
                throw new NotSupportedException($"cannot lower {source}: bias of {cv.Length} values for {n} outputs");
            bias = Enumerable.Range(0, n).Select(j => beta * cv[cv.Length == 1 ? 0 : j]).ToArray();
        }

        if (x.Shape[^1] != k)
            throw new NotSupportedException($"cannot lower {source}: inner dimensions differ ({x.Shape[^1]} vs {k})");
        int m = checked((int)(x.ElementCount / k));
        var output = _plan.NewFloat(node.Outputs[0]!.Name, [.. x.Shape[..^1], n]);
        var args = new GemmArgs { M = m, K = k, N = n, HasBias = bias.Length > 0 ? 1 : 0 };
        _plan.Add(new FloatGemmStep(source, x.Id, output.Id, args, kn, bias));
        return output;
    }

    private PlanTensor FloatConv(Node node)
    {
        string source = node.Describe();
        var x = _plan.InLayout(AsFloat(node.Input(0)!), PlanLayout.Logical, source);
        int[] ws = ShapeOf(node.Input(1)!);
        if (x.Shape.Length != 4 || ws.Length != 4)
            throw new NotSupportedException($"cannot lower {source}: only 2-D convolutions are supported");
        float[] w = ConstantFloats(node.Input(1)!, "weight", node);
        float[] bias = node.Input(2) is { } b ? ConstantFloats(b, "bias", node) : [];
        var g = ConvGeometry(node, x.Shape, ws);
        var output = _plan.NewFloat(node.Outputs[0]!.Name, [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth]);
        var args = new FloatConvArgs
        {
            N = g.Batch, C = g.InChannels, H = g.InHeight, W = g.InWidth, OC = g.OutChannels, OH = g.OutHeight, OW = g.OutWidth,
            KH = g.KernelHeight, KW = g.KernelWidth, StrideH = g.StrideHeight, StrideW = g.StrideWidth, PadTop = g.PadTop, PadLeft = g.PadLeft,
            DilationH = g.DilationHeight, DilationW = g.DilationWidth, Groups = g.Groups, HasBias = bias.Length > 0 ? 1 : 0,
        };
        _plan.Add(new FloatConvStep(source, x.Id, output.Id, args, w, bias));
        return output;
    }

    private PlanTensor FloatConcat(Node node)
    {
        string source = node.Describe();
        var inputs = node.Inputs.Select(v => _plan.InLayout(AsFloat(v!), PlanLayout.Logical, source)).ToList();
        int[] s0 = inputs[0].Shape;
        int axis = (int)node.GetInt("axis", 1);
        axis = axis < 0 ? axis + s0.Length : axis;
        int[] outShape = (int[])s0.Clone();
        outShape[axis] = inputs.Sum(t => t.Shape[axis]);
        int[] outStrides = StridedCopyArgs.RowMajorStrides(outShape);
        var output = _plan.NewFloat(node.Outputs[0]!.Name, outShape);
        var pieces = new List<StridedCopyArgs>();
        int offset = 0;
        foreach (var t in inputs)
        {
            int[] s = t.Shape;
            pieces.Add(StridedCopyArgs.Create(s, new int[s.Length], Enumerable.Repeat(1, s.Length).ToArray(), s, StridedCopyArgs.RowMajorStrides(s), outStrides, offset * outStrides[axis]));
            offset += s[axis];
        }

        _plan.Add(new StridedCopyStep(source, "concat", inputs.Select(t => t.Id).ToArray(), output.Id, [.. pieces], 0f, false));
        return output;
    }
}
