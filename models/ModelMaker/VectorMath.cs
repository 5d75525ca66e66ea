// The two inner loops of training (y += a·x and x·y) with fixed-width SIMD, so results do not depend on the CPU.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Onnxc.ModelMaker;

/// <summary>
/// Bit-identical results on every machine are what makes the shipped model reproducible, so: Axpy is element-wise
/// (each y[i] gets one rounded product and one rounded sum, whatever the vector width); Dot keeps exactly 8 partial
/// sums (Vector256, emulated where the hardware lacks it) and adds them in a fixed tree order. Neither uses fused
/// multiply-add, whose single rounding would differ from machines without it.
/// </summary>
internal static class VectorMath
{
    /// <summary>y[i] += a * x[i] for all i.</summary>
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"lengths differ: {x.Length} and {y.Length}");
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        var av = Vector256.Create(a);
        int i = 0;
        for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            Vector256<float> product = av * Vector256.LoadUnsafe(ref xr, (nuint)i);
            (Vector256.LoadUnsafe(ref yr, (nuint)i) + product).StoreUnsafe(ref yr, (nuint)i);
        }

        for (; i < x.Length; i++)
        {
            float product = a * Unsafe.Add(ref xr, i);
            Unsafe.Add(ref yr, i) += product;
        }
    }

    /// <summary>Σ x[i] * y[i], summed as 8 interleaved partial sums, then ((0+1)+(2+3))+((4+5)+(6+7)), then the tail.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"lengths differ: {x.Length} and {y.Length}");
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        Vector256<float> acc = Vector256<float>.Zero;
        int i = 0;
        for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            Vector256<float> product = Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
            acc += product;
        }

        float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
        for (; i < x.Length; i++)
        {
            float product = Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i);
            sum += product;
        }

        return sum;
    }
}
