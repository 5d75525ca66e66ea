// The float fallback kernels: ops with no INT8 kernel run here, grid-stride over output elements.
using ILGPU;

namespace Onnxc.Kernels.Runtime.Float;

/// <summary>
/// Plain ILGPU kernels in float32 for what stays float after lowering (ops outside a quantized island).
/// Straightforward loops, correctness first: they run the few layers a quantized model leaves in float.
/// </summary>
public static class FloatKernels
{
    /// <summary>See <see cref="StridedCopyArgs"/>.</summary>
    public static void StridedCopy<T>(ArrayView<T> input, ArrayView<T> output, StridedCopyArgs a, T padValue)
        where T : unmanaged
    {
        int count = a.Count;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            StridedCopyAt<T>(index, input, output, a, padValue);
        }
    }

    private static void StridedCopyAt<T>(int index, ArrayView<T> input, ArrayView<T> output, StridedCopyArgs a, T padValue)
        where T : unmanaged
    {
        int rem = index;
        int inOff = 0;
        int outOff = a.OutBase;
        bool inside = true;
        Step(ref rem, a.D5, a.Start5, a.Step5, a.InDim5, a.InStride5, a.OutStride5, ref inOff, ref outOff, ref inside);
        Step(ref rem, a.D4, a.Start4, a.Step4, a.InDim4, a.InStride4, a.OutStride4, ref inOff, ref outOff, ref inside);
        Step(ref rem, a.D3, a.Start3, a.Step3, a.InDim3, a.InStride3, a.OutStride3, ref inOff, ref outOff, ref inside);
        Step(ref rem, a.D2, a.Start2, a.Step2, a.InDim2, a.InStride2, a.OutStride2, ref inOff, ref outOff, ref inside);
        Step(ref rem, a.D1, a.Start1, a.Step1, a.InDim1, a.InStride1, a.OutStride1, ref inOff, ref outOff, ref inside);
        Step(ref rem, a.D0, a.Start0, a.Step0, a.InDim0, a.InStride0, a.OutStride0, ref inOff, ref outOff, ref inside);
        output[outOff] = inside ? input[inOff] : padValue;
    }

    private static void Step(ref int rem, int size, int start, int step, int inDim, int inStride, int outStride, ref int inOff, ref int outOff, ref bool inside)
    {
        int i = rem % size;
        rem /= size;
        int s = start + (i * step);
        if (s < 0 || s >= inDim)
        {
            inside = false;
        }

        inOff += s * inStride;
        outOff += i * outStride;
    }

    public static void Unary(ArrayView<float> input, ArrayView<float> output, ElementwiseArgs a)
    {
        int count = (int)output.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            UnaryAt(index, input, output, a);
        }
    }

    private static void UnaryAt(int index, ArrayView<float> input, ArrayView<float> output, ElementwiseArgs a)
    {
        float x = input[index];
        float y;
        switch (a.Kind)
        {
            case (int)FloatUnaryKind.Relu:
                y = x > 0 ? x : 0;
                break;
            case (int)FloatUnaryKind.Clip:
                y = x < a.A ? a.A : (x > a.B ? a.B : x);
                break;
            case (int)FloatUnaryKind.Sigmoid:
                y = FloatMath.Sigmoid(x);
                break;
            case (int)FloatUnaryKind.Tanh:
                y = FloatMath.Tanh(x);
                break;
            case (int)FloatUnaryKind.Exp:
                y = FloatMath.Exp(x);
                break;
            case (int)FloatUnaryKind.LeakyRelu:
                y = x >= 0 ? x : a.A * x;
                break;
            case (int)FloatUnaryKind.Neg:
                y = -x;
                break;
            case (int)FloatUnaryKind.Abs:
                y = x < 0 ? -x : x;
                break;
            default:
                y = MathF.Sqrt(x);
                break;
        }

        output[index] = y;
    }

    public static void Binary(ArrayView<float> left, ArrayView<float> right, ArrayView<float> output, ElementwiseArgs a)
    {
        int count = (int)output.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            BinaryAt(index, left, right, output, a);
        }
    }

    private static void BinaryAt(int index, ArrayView<float> left, ArrayView<float> right, ArrayView<float> output, ElementwiseArgs a)
    {
        int rem = index;
        int offA = 0;
        int offB = 0;
        Broadcast(ref rem, a.D5, a.SA5, a.SB5, ref offA, ref offB);
        Broadcast(ref rem, a.D4, a.SA4, a.SB4, ref offA, ref offB);
        Broadcast(ref rem, a.D3, a.SA3, a.SB3, ref offA, ref offB);
        Broadcast(ref rem, a.D2, a.SA2, a.SB2, ref offA, ref offB);
        Broadcast(ref rem, a.D1, a.SA1, a.SB1, ref offA, ref offB);
        Broadcast(ref rem, a.D0, a.SA0, a.SB0, ref offA, ref offB);
        float x = left[offA];
        float y = right[offB];
        float r;
        switch (a.Kind)
        {
            case (int)FloatBinaryKind.Add:
                r = x + y;
                break;
            case (int)FloatBinaryKind.Sub:
                r = x - y;
                break;
            case (int)FloatBinaryKind.Mul:
                r = x * y;
                break;
            case (int)FloatBinaryKind.Div:
                r = x / y;
                break;
            case (int)FloatBinaryKind.Max:
                r = x > y ? x : y;
                break;
            default:
                r = x < y ? x : y;
                break;
        }

        output[index] = r;
    }

    private static void Broadcast(ref int rem, int size, int strideA, int strideB, ref int offA, ref int offB)
    {
        int i = rem % size;
        rem /= size;
        offA += i * strideA;
        offB += i * strideB;
    }

    /// <summary>One thread per (outer, inner) row: max-subtracted softmax over the axis.</summary>
    public static void Softmax(ArrayView<float> input, ArrayView<float> output, SoftmaxArgs a)
    {
        int count = a.Outer * a.Inner;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            SoftmaxAt(index, input, output, a);
        }
    }

    private static void SoftmaxAt(int index, ArrayView<float> input, ArrayView<float> output, SoftmaxArgs a)
    {
        int outer = index / a.Inner;
        int inner = index % a.Inner;
        int baseOff = (outer * a.Axis * a.Inner) + inner;
        float max = input[baseOff];
        for (int k = 1; k < a.Axis; k++)
        {
            float v = input[baseOff + (k * a.Inner)];
            max = v > max ? v : max;
        }

        float sum = 0;
        for (int k = 0; k < a.Axis; k++)
        {
            sum += FloatMath.Exp(input[baseOff + (k * a.Inner)] - max);
        }

        float logSum = FloatMath.Log(sum);
        for (int k = 0; k < a.Axis; k++)
        {
            int o = baseOff + (k * a.Inner);
            float shifted = input[o] - max;
            output[o] = a.Log != 0 ? shifted - logSum : FloatMath.Exp(shifted) / sum;
        }
    }

    /// <summary>Y[m, n] = sum_k X[m, k] W[k, n] + bias[n].</summary>
    public static void Gemm(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> output, GemmArgs a)
    {
        int count = a.M * a.N;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            GemmAt(index, x, w, bias, output, a);
        }
    }

    private static void GemmAt(int index, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> output, GemmArgs a)
    {
        int m = index / a.N;
        int n = index % a.N;
        float acc = a.HasBias != 0 ? bias[n] : 0f;
        for (int k = 0; k < a.K; k++)
        {
            acc += x[(m * a.K) + k] * w[(k * a.N) + n];
        }

        output[index] = acc;
    }

    /// <summary>Direct convolution on NCHW; weights [OC][C/groups][KH][KW].</summary>
    public static void Conv(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> bias, ArrayView<float> output, FloatConvArgs a)
    {
        int count = (int)output.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            ConvAt(index, input, weights, bias, output, a);
        }
    }

    private static void ConvAt(int index, ArrayView<float> input, ArrayView<float> weights, ArrayView<float> bias, ArrayView<float> output, FloatConvArgs a)
    {
        int ow = index % a.OW;
        int rest = index / a.OW;
        int oh = rest % a.OH;
        rest /= a.OH;
        int oc = rest % a.OC;
        int n = rest / a.OC;
        int cg = a.C / a.Groups;
        int og = a.OC / a.Groups;
        int group = oc / og;
        float acc = a.HasBias != 0 ? bias[oc] : 0f;
        for (int c = 0; c < cg; c++)
        {
            int ic = (group * cg) + c;
            for (int ky = 0; ky < a.KH; ky++)
            {
                int ih = (oh * a.StrideH) - a.PadTop + (ky * a.DilationH);
                if (ih < 0 || ih >= a.H)
                {
                    continue;
                }

                for (int kx = 0; kx < a.KW; kx++)
                {
                    int iw = (ow * a.StrideW) - a.PadLeft + (kx * a.DilationW);
                    if (iw < 0 || iw >= a.W)
                    {
                        continue;
                    }

                    acc += input[(((n * a.C) + ic) * a.H + ih) * a.W + iw] * weights[(((oc * cg) + c) * a.KH + ky) * a.KW + kx];
                }
            }
        }

        output[index] = acc;
    }

    /// <summary>Max or average pooling on NCHW.</summary>
    public static void Pool(ArrayView<float> input, ArrayView<float> output, FloatPoolArgs a)
    {
        int count = (int)output.Length;
        int stride = GridStride.Stride;
        for (int index = GridStride.Start; index < count; index += stride)
        {
            PoolAt(index, input, output, a);
        }
    }

    private static void PoolAt(int index, ArrayView<float> input, ArrayView<float> output, FloatPoolArgs a)
    {
        int ow = index % a.OW;
        int rest = index / a.OW;
        int oh = rest % a.OH;
        int nc = rest / a.OH;
        float max = float.NegativeInfinity;
        float sum = 0;
        int count = 0;
        int padded = 0;
        for (int ky = 0; ky < a.KH; ky++)
        {
            int ih = (oh * a.StrideH) - a.PadTop + (ky * a.DilationH);
            for (int kx = 0; kx < a.KW; kx++)
            {
                int iw = (ow * a.StrideW) - a.PadLeft + (kx * a.DilationW);
                if (ih >= -a.PadTop && ih < a.H + a.PadBottom && iw >= -a.PadLeft && iw < a.W + a.PadRight)
                {
                    padded++;
                }

                if (ih < 0 || ih >= a.H || iw < 0 || iw >= a.W)
                {
                    continue;
                }

                float v = input[((nc * a.H) + ih) * a.W + iw];
                max = v > max ? v : max;
                sum += v;
                count++;
            }
        }

        int divisor = a.CountIncludePad != 0 ? padded : count;
        output[index] = a.Kind == 0 ? max : sum / (divisor > 0 ? divisor : 1);
    }
}
