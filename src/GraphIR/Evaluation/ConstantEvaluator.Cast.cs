// Cast in the constant evaluator, with C++ static_cast semantics where ORT uses them.
namespace Onnxc.GraphIR.Evaluation;

public static partial class ConstantEvaluator
{
    private static HostTensor Cast(HostTensor x, ElementType to)
    {
        if (!IsCastable(x.Type) || !IsCastable(to))
        {
            throw new NotSupportedException($"Cast from {x.Type.OnnxName()} to {to.OnnxName()} is not folded");
        }

        if (x.Type == to)
        {
            return x;
        }

        int outSize = HostTensor.ElementSizeOf(to);
        var output = new byte[x.Count * outSize];
        for (long i = 0; i < x.Count; i++)
        {
            Write(output, (int)i, to, Read(x, (int)i), x.Type);
        }

        return new HostTensor(to, x.Dims, output);
    }

    private static bool IsCastable(ElementType t) => t is ElementType.Float or ElementType.Double or ElementType.Float16
        or ElementType.Int8 or ElementType.UInt8 or ElementType.Int16 or ElementType.UInt16 or ElementType.Int32
        or ElementType.UInt32 or ElementType.Int64 or ElementType.UInt64 or ElementType.Bool;

    /// <summary>One element: floating types as an exact double, integers as long (UINT64 as its bit pattern).</summary>
    private static (double F, long I) Read(HostTensor x, int i) => x.Type switch
    {
        ElementType.Float => (x.As<float>()[i], 0),
        ElementType.Double => (x.As<double>()[i], 0),
        ElementType.Float16 => ((double)x.As<Half>()[i], 0),
        ElementType.Int8 => (0, (sbyte)x.Bytes[i]),
        ElementType.UInt8 or ElementType.Bool => (0, x.Bytes[i]),
        ElementType.Int16 => (0, x.As<short>()[i]),
        ElementType.UInt16 => (0, x.As<ushort>()[i]),
        ElementType.Int32 => (0, x.As<int>()[i]),
        ElementType.UInt32 => (0, x.As<uint>()[i]),
        ElementType.Int64 => (0, x.As<long>()[i]),
        _ => (0, unchecked((long)x.As<ulong>()[i])),
    };

    private static void Write(byte[] output, int i, ElementType to, (double F, long I) v, ElementType from)
    {
        bool fromFloat = from.IsFloatingPoint();
        if (to == ElementType.Bool)
        {
            output[i] = (byte)((fromFloat ? v.F != 0 || double.IsNaN(v.F) : v.I != 0) ? 1 : 0);
            return;
        }

        Span<byte> o = output;
        if (to.IsFloatingPoint())
        {
            // Integer sources convert straight to the target width, as static_cast does (one rounding).
            switch (to)
            {
                case ElementType.Float:
                    BitConverter.TryWriteBytes(o[(i * 4)..], fromFloat ? (float)v.F : from == ElementType.UInt64 ? (float)unchecked((ulong)v.I) : (float)v.I);
                    break;
                case ElementType.Double:
                    BitConverter.TryWriteBytes(o[(i * 8)..], fromFloat ? v.F : from == ElementType.UInt64 ? (double)unchecked((ulong)v.I) : (double)v.I);
                    break;
                default:
                    if (!fromFloat && Math.Abs(v.I) > (1L << 53))
                    {
                        throw new NotSupportedException("large integer to FLOAT16 is not folded");
                    }

                    BitConverter.TryWriteBytes(o[(i * 2)..], BitConverter.HalfToUInt16Bits((Half)(fromFloat ? v.F : v.I)));
                    break;
            }

            return;
        }

        long l;
        if (fromFloat)
        {
            // Float to integer truncates; NaN or out-of-range is undefined in C++, so such casts are not folded.
            double t = Math.Truncate(v.F);
            if (double.IsNaN(t) || t < -9.2233720368547758E18 || t >= 9.2233720368547758E18)
            {
                throw new NotSupportedException($"cast of {v.F} to {to.OnnxName()} is out of range");
            }

            l = (long)t;
            (long min, long max) = to switch
            {
                ElementType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
                ElementType.UInt8 => (0L, byte.MaxValue),
                ElementType.Int16 => (short.MinValue, short.MaxValue),
                ElementType.UInt16 => (0L, ushort.MaxValue),
                ElementType.Int32 => (int.MinValue, int.MaxValue),
                ElementType.UInt32 => (0L, uint.MaxValue),
                ElementType.UInt64 => (0L, long.MaxValue),
                _ => (long.MinValue, long.MaxValue),
            };
            if (l < min || l > max)
            {
                throw new NotSupportedException($"cast of {v.F} to {to.OnnxName()} is out of range");
            }
        }
        else
        {
            l = v.I;
        }

        // Integer narrowing wraps (two's complement), as static_cast does.
        switch (to)
        {
            case ElementType.Int8:
            case ElementType.UInt8:
                output[i] = unchecked((byte)l);
                break;
            case ElementType.Int16:
            case ElementType.UInt16:
                BitConverter.TryWriteBytes(o[(i * 2)..], unchecked((ushort)l));
                break;
            case ElementType.Int32:
            case ElementType.UInt32:
                BitConverter.TryWriteBytes(o[(i * 4)..], unchecked((uint)l));
                break;
            default:
                BitConverter.TryWriteBytes(o[(i * 8)..], l);
                break;
        }
    }
}
