// The constant evaluator must be bit-identical to ONNX Runtime: each case runs the op in ORT on the same inputs.
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnxc.Evaluation;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Evaluation;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Evaluation;

public sealed class ConstantEvaluatorTests
{
    private static TensorData F(long[] dims, params float[] v) => TensorData.FromFloats(dims, v);

    private static TensorData L(long[] dims, params long[] v) => TensorData.FromInt64s(dims, v);

    private static TensorData I(long[] dims, params int[] v) => TensorData.FromInt32s(dims, v);

    private static TensorData B(long[] dims, params bool[] v) => TensorData.FromBytes(ElementType.Bool, dims, v.Select(b => (byte)(b ? 1 : 0)).ToArray());

    private static readonly float[] s_floats = [1.5f, -2.25f, 3e-8f, 1e20f, -0f, 7.1f, 0.1f, 123456.79f, -3.5f, 2.5f, 0.3f, -1e-3f];

    public static TheoryData<string, TensorData[], NodeAttribute[]> Cases => new()
    {
        { "Add", [F([2, 3], s_floats[..6]), F([3], 0.1f, 0.2f, 0.7f)], [] },
        { "Sub", [F([2, 1], 1.1f, 2.2f), F([1, 3], 0.3f, 0.6f, 0.9f)], [] },
        { "Mul", [F([6], s_floats[..6]), F([], 0.1f)], [] },
        { "Div", [F([6], s_floats[6..]), F([6], 3f, 7f, 0.1f, 1e-3f, 9f, 11f)], [] },
        { "Div", [L([4], 7, -7, 9, -9), L([4], 2, 2, -4, -4)], [] },
        { "Mul", [L([3], long.MaxValue, 3, -5), L([], 2)], [] },
        { "Add", [I([2], int.MaxValue, 5), I([2], 1, -7)], [] },
        { "Neg", [F([3], 1f, -0f, 2.5f)], [] },
        { "Sqrt", [F([3], 2f, 0.5f, 1e-30f)], [] },
        { "Reciprocal", [F([3], 3f, 7f, 0.1f)], [] },
        { "Equal", [L([3], 1, 2, 3), L([3], 1, 5, 3)], [] },
        { "Less", [F([3], 1f, 2f, 3f), F([], 2f)], [] },
        { "Greater", [L([3], 1, 2, 3), L([], 2)], [] },
        { "Where", [B([3], true, false, true), F([3], 1f, 2f, 3f), F([], -1f)], [] },
        { "Not", [B([2], true, false)], [] },
        { "And", [B([2], true, true), B([2], true, false)], [] },
        { "Cast", [F([6], 1.7f, -1.7f, 0.49999997f, 65519f, 1e-8f, 100000f)], [NodeAttribute.Of("to", (long)ElementType.Float16)] },
        { "Cast", [F([4], 1.7f, -1.7f, 2.5f, -2.5f)], [NodeAttribute.Of("to", (long)ElementType.Int64)] },
        { "Cast", [L([3], (1L << 53) + 1, -3, 16777217)], [NodeAttribute.Of("to", (long)ElementType.Float)] },
        { "Cast", [L([3], 300, -1, 5)], [NodeAttribute.Of("to", (long)ElementType.Int32)] },
        { "Cast", [F([3], 0f, -0f, 2f)], [NodeAttribute.Of("to", (long)ElementType.Bool)] },
        { "Cast", [F([2], 0.1f, 1e30f)], [NodeAttribute.Of("to", (long)ElementType.Double)] },
        { "Reshape", [F([2, 3], s_floats[..6]), L([3], 0, -1, 1)], [] },
        { "Flatten", [F([2, 3, 2], s_floats)], [NodeAttribute.Of("axis", 2L)] },
        { "Squeeze", [F([1, 3, 1], 1f, 2f, 3f), L([1], -1)], [] },
        { "Unsqueeze", [F([3], 1f, 2f, 3f), L([2], 0, -1)], [] },
        { "Transpose", [F([2, 3, 2], s_floats)], [NodeAttribute.Of("perm", 2L, 0L, 1L)] },
        { "Transpose", [L([2, 3], 1, 2, 3, 4, 5, 6)], [] },
        { "Concat", [L([2], 1, 2), L([1], 3), L([3], 4, 5, 6)], [NodeAttribute.Of("axis", 0L)] },
        { "Concat", [F([2, 1], 1f, 2f), F([2, 2], 3f, 4f, 5f, 6f)], [NodeAttribute.Of("axis", -1L)] },
        { "Gather", [L([4], 10, 20, 30, 40), L([], -1)], [] },
        { "Gather", [F([3, 2], s_floats[..6]), L([2, 2], 0, 2, 1, -3)], [] },
        { "Gather", [F([2, 3], s_floats[..6]), I([2], 2, 0)], [NodeAttribute.Of("axis", 1L)] },
        { "Slice", [F([12], s_floats), L([1], 1), L([1], 100), L([1], 0), L([1], 3)], [] },
        { "Slice", [F([3, 4], s_floats), L([2], -1, 3), L([2], -100, 0), L([2], 0, 1), L([2], -1, -2)], [] },
        { "Slice", [L([4], 1, 2, 3, 4), L([1], -2), L([1], long.MaxValue)], [] },
        { "Expand", [F([3, 1], 1f, 2f, 3f), L([3], 2, 1, 4)], [] },
        { "Tile", [L([2, 2], 1, 2, 3, 4), L([2], 2, 3)], [] },
        { "Shape", [F([2, 3, 1], 1f, 2f, 3f, 4f, 5f, 6f)], [] },
        { "Shape", [F([2, 3, 1], 1f, 2f, 3f, 4f, 5f, 6f)], [NodeAttribute.Of("start", 1L), NodeAttribute.Of("end", -1L)] },
        { "Size", [F([2, 3], s_floats[..6])], [] },
        { "ConstantOfShape", [L([2], 2, 3)], [NodeAttribute.Of("value", L([1], 7))] },
        { "ConstantOfShape", [L([1], 4)], [] },
        { "Range", [F([], 0.1f), F([], 1.05f), F([], 0.1f)], [] },
        { "Range", [L([], 10), L([], 1), L([], -3)], [] },
        { "ReduceProd", [L([2, 3], 1, 2, 3, 4, 5, 6), L([1], 1)], [NodeAttribute.Of("keepdims", 0L)] },
        { "ReduceSum", [L([2, 3], 1, 2, 3, 4, 5, 6), L([1], 0)], [] },
        { "Min", [L([3], 1, 5, 3), L([3], 4, 2, 6)], [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsBitIdenticalToOrt(string op, TensorData[] inputs, NodeAttribute[] attributes)
    {
        long opset = op is "ReduceProd" ? 18 : 17;
        Model m = TestGraphs.NewModel(opset);
        Graph g = m.Graph;
        Value[] ins = [.. inputs.Select((t, i) => g.AddInput($"in{i}", new TensorType(t.ElementType, t.Shape)))];
        Node node = g.AddNode(op, ins, ["out"], attributes);
        g.AddOutput(node.Outputs[0]!);

        TensorData expected = RunOrt(m, inputs);
        TensorData actual = ConstantEvaluator.Evaluate(node, inputs)[0];
        Assert.Equal(expected.ElementType, actual.ElementType);
        Assert.Equal(expected.Dims.ToArray(), actual.Dims.ToArray());
        Assert.Equal(expected.GetBytes().ToArray(), actual.GetBytes().ToArray());
    }

    [Fact]
    public void RefusesIntegerDivisionByZero()
    {
        Model m = TestGraphs.NewModel();
        Node n = m.Graph.AddNode("Div", [], ["y"]);
        Assert.Throws<NotSupportedException>(() => ConstantEvaluator.Evaluate(n, [L([1], 1), L([1], 0)]));
    }

    [Fact]
    public void RefusesOutOfRangeFloatToIntCast()
    {
        Model m = TestGraphs.NewModel();
        Node n = m.Graph.AddNode("Cast", [], ["y"], [NodeAttribute.Of("to", (long)ElementType.Int32)]);
        Assert.Throws<NotSupportedException>(() => ConstantEvaluator.Evaluate(n, [F([1], 3e9f)]));
    }

    [Fact]
    public void RefusesFloatReductions()
    {
        Model m = TestGraphs.NewModel();
        Node n = m.Graph.AddNode("ReduceSum", [], ["y"]);
        Assert.Throws<NotSupportedException>(() => ConstantEvaluator.Evaluate(n, [F([2], 1f, 2f)]));
    }

    private static TensorData RunOrt(Model m, TensorData[] inputs)
    {
        using var dir = new TempDir("onnxc-eval");
        string path = dir.File("op.onnx");
        OnnxExporter.Save(m, path);
        using var session = new InferenceSession(path);
        var feeds = inputs.Select((t, i) => ToOrt($"in{i}", t)).ToList();
        using var results = session.Run(feeds);
        DisposableNamedOnnxValue r = results[0];
        return r.ElementType switch
        {
            TensorElementType.Float => FromTensor(ElementType.Float, r.AsTensor<float>()),
            TensorElementType.Double => FromTensor(ElementType.Double, r.AsTensor<double>()),
            TensorElementType.Int64 => FromTensor(ElementType.Int64, r.AsTensor<long>()),
            TensorElementType.Int32 => FromTensor(ElementType.Int32, r.AsTensor<int>()),
            TensorElementType.Bool => FromTensor(ElementType.Bool, r.AsTensor<bool>()),
            TensorElementType.Float16 => FromTensor(ElementType.Float16, r.AsTensor<Float16>()),
            _ => throw new NotSupportedException(r.ElementType.ToString()),
        };
    }

    private static TensorData FromTensor<T>(ElementType type, Tensor<T> t)
        where T : unmanaged
    {
        T[] values = [.. t];
        long[] dims = [.. t.Dimensions.ToArray().Select(d => (long)d)];
        return TensorData.FromBytes(type, dims, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    private static NamedOnnxValue ToOrt(string name, TensorData t)
    {
        int[] dims = [.. t.Dims.Select(d => (int)d)];
        return t.ElementType switch
        {
            ElementType.Float => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(t.AsSpan<float>().ToArray(), dims)),
            ElementType.Int64 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(t.AsSpan<long>().ToArray(), dims)),
            ElementType.Int32 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(t.AsSpan<int>().ToArray(), dims)),
            ElementType.Bool => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<bool>(t.GetBytes().ToArray().Select(b => b != 0).ToArray(), dims)),
            _ => throw new NotSupportedException(t.ElementType.OnnxName()),
        };
    }
}
