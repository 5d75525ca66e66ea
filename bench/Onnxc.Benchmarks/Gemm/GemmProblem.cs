// Random int8 operands of one GEMM, packed for onnxc's convolution kernels, with a bit-exact reference check.
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Reference;

namespace Onnxc.Benchmarks.Gemm;

/// <summary>
/// A GEMM run the way the INT8 lowering runs a Gemm: a 1 x 1 convolution on a 1 x 1 image whose batch is M
/// (<see cref="Conv2DGeometry.ForGemm"/>), uint8 activations with a non-zero zero point, int8 weights with
/// per-channel scales, an int32 bias and requantization to uint8 - the full epilogue the models use.
/// <para>
/// The output scale is chosen so requantized values mostly stay inside [0, 255]: with operands uniform on
/// the byte range (standard deviation about 74), <c>acc</c> has a standard deviation of about
/// <c>74 * 74 * sqrt(K)</c>, and <c>s_y = s_x * s_w * 74 * 74 * sqrt(K) / 40</c> maps that to about 40 steps.
/// A saturated output would hide a wrong accumulator, which is what the check is for.
/// </para>
/// </summary>
public sealed class GemmProblem
{
    private readonly sbyte[] _weights;
    private readonly float[] _weightScales;
    private readonly int[] _bias;

    public GemmProblem(int m, int n, int k, int seed)
    {
        Geometry = Conv2DGeometry.ForGemm(m, k, n);
        var random = new Random(seed);
        Input = new byte[(long)m * k];
        random.NextBytes(Input);
        _weights = new sbyte[(long)n * k];
        for (long i = 0; i < _weights.Length; i++)
        {
            _weights[i] = (sbyte)random.Next(-127, 128);
        }

        _weightScales = new float[n];
        _bias = new int[n];
        for (int o = 0; o < n; o++)
        {
            _weightScales[o] = 0.002f * (0.5f + (float)random.NextDouble());
            _bias[o] = random.Next(-20000, 20001);
        }

        InputParams = new QuantParams(0.05f, 131, QuantElementType.UInt8);
        OutputParams = new QuantParams(0.05f * 0.002f * 74 * 74 * MathF.Sqrt(k) / 40, 128, QuantElementType.UInt8);
        Packed = ConvPacker.Pack(Geometry, _weights, _weightScales, _bias, InputParams, OutputParams, FusedActivation.None);
    }

    public Conv2DGeometry Geometry { get; }

    /// <summary>A [M, K] uint8 (row-major, K innermost: the NHWC layout of a 1 x 1 image).</summary>
    public byte[] Input { get; }

    public QuantParams InputParams { get; }

    public QuantParams OutputParams { get; }

    public PackedConv Packed { get; }

    /// <summary>
    /// Compares rows <paramref name="rows"/> of <paramref name="output"/> ([M, N] bytes from a kernel) with
    /// <see cref="ConvReference"/> on the same rows, byte for byte. Rows of a GEMM are independent, so a
    /// reference over a few rows checks the kernel's tiles at those rows without the cost of the whole product.
    /// Returns null when they match, else the first mismatch in words.
    /// </summary>
    public string? Check(byte[] output, IReadOnlyList<int> rows)
    {
        int n = Geometry.OutChannels;
        int k = Geometry.InChannels;
        var subset = new byte[(long)rows.Count * k];
        for (int r = 0; r < rows.Count; r++)
        {
            Array.Copy(Input, (long)rows[r] * k, subset, (long)r * k, k);
        }

        byte[] expected = ConvReference.Conv2D(
            Conv2DGeometry.ForGemm(rows.Count, k, n), subset, _weights, _weightScales, _bias, InputParams, OutputParams, FusedActivation.None);
        int distinct = expected.Distinct().Count();
        if (distinct < Math.Min(16, expected.Length / 4))
        {
            return $"reference output has only {distinct} distinct values: the check would be too weak";
        }

        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < n; c++)
            {
                byte want = expected[((long)r * n) + c];
                byte got = output[((long)rows[r] * n) + c];
                if (want != got)
                {
                    return $"row {rows[r]}, column {c}: kernel {got}, reference {want}";
                }
            }
        }

        return null;
    }

    /// <summary>Up to <paramref name="count"/> rows spread over [0, M), always the first and the last.</summary>
    public static IReadOnlyList<int> SampleRows(int m, int count)
    {
        if (m <= count)
        {
            return [.. Enumerable.Range(0, m)];
        }

        // Evenly spaced, nudged off the tile boundaries by a row or two so rows inside tiles are checked too.
        var rows = new SortedSet<int>();
        for (int i = 0; i < count; i++)
        {
            rows.Add(Math.Min(m - 1, (int)((long)i * (m - 1) / (count - 1)) + (i % 3)));
        }

        return [.. rows];
    }
}
