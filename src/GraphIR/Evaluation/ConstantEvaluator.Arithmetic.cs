// Elementwise arithmetic, comparison, casts, Range and integer reductions of the constant evaluator.
using System.Numerics;

namespace Onnxc.GraphIR.Evaluation;

public static partial class ConstantEvaluator
{
    private static HostTensor Arithmetic(string op, HostTensor?[] inputs)
    {
        HostTensor[] xs = [.. inputs.Where(t => t is not null).Select(t => t!)];
        if (xs.Length == 0 || xs.Any(t => t.Type != xs[0].Type))
        {
            throw new ArgumentException("inputs differ in element type");
        }

        if (op is "Min" or "Max" && xs[0].Type.IsFloatingPoint())
        {
            // NaN and signed-zero handling of ORT's float Min/Max is not pinned down; stay exact by not folding.
            throw new NotSupportedException($"float {op} is not folded");
        }

        if (op is not ("Min" or "Max") && xs.Length != 2)
        {
            throw new ArgumentException($"{op} takes two inputs");
        }

        HostTensor acc = xs[0];
        for (int i = 1; i < xs.Length; i++)
        {
            acc = acc.Type switch
            {
                ElementType.Float => Binary<float>(acc, xs[i], FloatOp<float>(op)),
                ElementType.Double => Binary<double>(acc, xs[i], FloatOp<double>(op)),
                ElementType.Int32 => Binary<int>(acc, xs[i], IntOp<int>(op)),
                ElementType.Int64 => Binary<long>(acc, xs[i], IntOp<long>(op)),
                _ => throw new NotSupportedException($"{op} on {acc.Type.OnnxName()} is not folded"),
            };
        }

        return acc;
    }

    private static Func<T, T, T> FloatOp<T>(string op)
        where T : IFloatingPointIeee754<T> => op switch
        {
            "Add" => (a, b) => a + b,
            "Sub" => (a, b) => a - b,
            "Mul" => (a, b) => a * b,
            "Div" => (a, b) => a / b,
            _ => throw new NotSupportedException($"float {op} is not folded"),
        };

    private static Func<T, T, T> IntOp<T>(string op)
        where T : IBinaryInteger<T>, IMinMaxValue<T> => op switch
        {
            "Add" => (a, b) => unchecked(a + b),
            "Sub" => (a, b) => unchecked(a - b),
            "Mul" => (a, b) => unchecked(a * b),
            "Div" => (a, b) => b == T.Zero ? throw new NotSupportedException("integer division by zero")
                : a == T.MinValue && b == -T.One ? throw new NotSupportedException("integer division overflows") : a / b,
            "Min" => T.Min,
            "Max" => T.Max,
            _ => throw new NotSupportedException($"integer {op} is not folded"),
        };

    private static HostTensor Binary<T>(HostTensor a, HostTensor b, Func<T, T, T> f)
        where T : unmanaged
    {
        long[] dims = Broadcasting.Shape(a.Dims, b.Dims);
        int[] ma = Broadcasting.IndexMap(dims, a.Dims);
        int[] mb = Broadcasting.IndexMap(dims, b.Dims);
        Span<T> va = a.As<T>();
        Span<T> vb = b.As<T>();
        var result = new T[ma.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = f(va[ma[i]], vb[mb[i]]);
        }

        return HostTensor.Of(a.Type, dims, result);
    }

    private static HostTensor Compare(string op, HostTensor a, HostTensor b)
    {
        if (a.Type != b.Type)
        {
            throw new ArgumentException("inputs differ in element type");
        }

        return a.Type switch
        {
            ElementType.Float => CompareT<float>(op, a, b),
            ElementType.Double => CompareT<double>(op, a, b),
            ElementType.Int32 => CompareT<int>(op, a, b),
            ElementType.Int64 => CompareT<long>(op, a, b),
            ElementType.Bool or ElementType.UInt8 when op == "Equal" => CompareT<byte>(op, a, b),
            _ => throw new NotSupportedException($"{op} on {a.Type.OnnxName()} is not folded"),
        };
    }

    private static HostTensor CompareT<T>(string op, HostTensor a, HostTensor b)
        where T : unmanaged, INumber<T>
    {
        Func<T, T, bool> f = op switch
        {
            "Equal" => (x, y) => x == y,
            "Less" => (x, y) => x < y,
            "Greater" => (x, y) => x > y,
            "LessOrEqual" => (x, y) => x <= y,
            _ => (x, y) => x >= y,
        };
        long[] dims = Broadcasting.Shape(a.Dims, b.Dims);
        int[] ma = Broadcasting.IndexMap(dims, a.Dims);
        int[] mb = Broadcasting.IndexMap(dims, b.Dims);
        Span<T> va = a.As<T>();
        Span<T> vb = b.As<T>();
        var result = new byte[ma.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = f(va[ma[i]], vb[mb[i]]) ? (byte)1 : (byte)0;
        }

        return new HostTensor(ElementType.Bool, dims, result);
    }

    private static HostTensor Logical(string op, HostTensor a, HostTensor b)
    {
        if (a.Type != ElementType.Bool || b.Type != ElementType.Bool)
        {
            throw new ArgumentException($"{op} needs BOOL inputs");
        }

        Func<byte, byte, byte> f = op switch
        {
            "And" => (x, y) => (byte)(x != 0 && y != 0 ? 1 : 0),
            "Or" => (x, y) => (byte)(x != 0 || y != 0 ? 1 : 0),
            _ => (x, y) => (byte)((x != 0) != (y != 0) ? 1 : 0),
        };
        HostTensor r = Binary(a, b, f);
        return new HostTensor(ElementType.Bool, r.Dims, r.Bytes);
    }

    private static HostTensor Not(HostTensor x)
    {
        if (x.Type != ElementType.Bool)
        {
            throw new ArgumentException("Not needs a BOOL input");
        }

        return new HostTensor(ElementType.Bool, x.Dims, [.. x.Bytes.Select(v => (byte)(v == 0 ? 1 : 0))]);
    }

    private static HostTensor Unary(string op, HostTensor x)
    {
        switch (x.Type, op)
        {
            case (ElementType.Float, _):
                return Map<float>(x, op switch
                {
                    "Neg" => v => -v,
                    "Abs" => MathF.Abs,
                    "Sqrt" => MathF.Sqrt,
                    _ => v => 1f / v,
                });
            case (ElementType.Double, _):
                return Map<double>(x, op switch
                {
                    "Neg" => v => -v,
                    "Abs" => Math.Abs,
                    "Sqrt" => Math.Sqrt,
                    _ => v => 1.0 / v,
                });
            case (ElementType.Int64, "Neg"):
                return Map<long>(x, v => unchecked(-v));
            case (ElementType.Int64, "Abs"):
                return Map<long>(x, v => v < 0 ? unchecked(-v) : v);
            case (ElementType.Int32, "Neg"):
                return Map<int>(x, v => unchecked(-v));
            case (ElementType.Int32, "Abs"):
                return Map<int>(x, v => v < 0 ? unchecked(-v) : v);
            default:
                throw new NotSupportedException($"{op} on {x.Type.OnnxName()} is not folded");
        }
    }

    private static HostTensor Map<T>(HostTensor x, Func<T, T> f)
        where T : unmanaged
    {
        Span<T> v = x.As<T>();
        var r = new T[v.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = f(v[i]);
        }

        return HostTensor.Of(x.Type, x.Dims, r);
    }

    private static HostTensor Range(HostTensor start, HostTensor limit, HostTensor delta)
    {
        if (start.Count != 1 || limit.Count != 1 || delta.Count != 1 || start.Type != limit.Type || start.Type != delta.Type)
        {
            throw new ArgumentException("Range needs three scalars of one type");
        }

        return start.Type switch
        {
            ElementType.Float => RangeT(start, start.As<float>()[0], limit.As<float>()[0], delta.As<float>()[0]),
            ElementType.Double => RangeT(start, start.As<double>()[0], limit.As<double>()[0], delta.As<double>()[0]),
            ElementType.Int32 => RangeT(start, start.As<int>()[0], limit.As<int>()[0], delta.As<int>()[0]),
            ElementType.Int64 => RangeT(start, start.As<long>()[0], limit.As<long>()[0], delta.As<long>()[0]),
            _ => throw new NotSupportedException($"Range on {start.Type.OnnxName()} is not folded"),
        };
    }

    /// <summary>ORT's Range: n = max(ceil((limit - start) / delta), 0) elements, each the previous plus delta.</summary>
    private static HostTensor RangeT<T>(HostTensor like, T start, T limit, T delta)
        where T : unmanaged, INumber<T>
    {
        if (delta == T.Zero)
        {
            throw new ArgumentException("delta is 0");
        }

        double n = Math.Ceiling(double.CreateChecked(limit - start) / double.CreateChecked(delta));
        long count = n > 0 ? (long)n : 0;
        if (count > 1 << 24)
        {
            throw new NotSupportedException("Range result is too large to fold");
        }

        var r = new T[count];
        T v = start;
        for (long i = 0; i < count; i++)
        {
            r[i] = v;
            v += delta;
        }

        return HostTensor.Of(like.Type, [count], r);
    }

    private static HostTensor Reduce(Node node, HostTensor?[] x)
    {
        HostTensor data = Req(x, 0);
        if (data.Type is not (ElementType.Int64 or ElementType.Int32))
        {
            // Float reductions depend on ORT's summation order; only integer ones are exact.
            throw new NotSupportedException($"{node.OpType} on {data.Type.OnnxName()} is not folded");
        }

        long[] axes = AxesFrom(node, Opt(x, 1));
        bool keep = node.GetInt("keepdims", 1) != 0;
        if (axes.Length == 0 && node.GetInt("noop_with_empty_axes", 0) != 0)
        {
            return data;
        }

        var reduced = new HashSet<int>(axes.Length == 0 ? Enumerable.Range(0, data.Rank) : axes.Select(a => NormalizeAxis(a, data.Rank)));
        long[] keptDims = [.. data.Dims.Select((d, i) => reduced.Contains(i) ? 1 : d)];
        long[] outStrides = Broadcasting.Strides(keptDims);
        long[] values = data.ToInt64s();
        long count = TensorData.CountElements(keptDims);
        long init = node.OpType switch { "ReduceProd" => 1, "ReduceSum" => 0, "ReduceMin" => long.MaxValue, _ => long.MinValue };
        var acc = Enumerable.Repeat(init, (int)count).ToArray();
        long[] inStrides = Broadcasting.Strides(data.Dims);
        for (long n = 0; n < values.Length; n++)
        {
            long o = 0;
            for (int d = 0; d < data.Rank; d++)
            {
                long c = n / inStrides[d] % data.Dims[d];
                o += reduced.Contains(d) ? 0 : c * outStrides[d];
            }

            acc[o] = node.OpType switch
            {
                "ReduceProd" => unchecked(acc[o] * values[n]),
                "ReduceSum" => unchecked(acc[o] + values[n]),
                "ReduceMin" => Math.Min(acc[o], values[n]),
                _ => Math.Max(acc[o], values[n]),
            };
        }

        long[] dims = keep ? keptDims : [.. data.Dims.Where((_, i) => !reduced.Contains(i))];
        return data.Type == ElementType.Int64
            ? HostTensor.Of(ElementType.Int64, dims, acc)
            : HostTensor.Of(ElementType.Int32, dims, [.. acc.Select(v => unchecked((int)v))]);
    }
}
