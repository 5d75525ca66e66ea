// One GEMM size to benchmark, with the model layers that run at that size.
namespace Onnxc.Benchmarks.Gemm;

/// <summary>
/// <c>C[M, N] = A[M, K] * B[K, N]</c>, the int8 GEMM a layer lowers to. For a convolution (implicit GEMM):
/// M = batch * OH * OW (one row per output pixel), N = output channels per group, K = KH * KW * Cin per group.
/// <paramref name="Layers"/> names where the size comes from (<c>resnet32 b64: Conv_12 (x2 groups)</c>, or
/// <c>square</c>); identical sizes from several layers are benchmarked once.
/// </summary>
public sealed record GemmShape(int M, int N, int K, IReadOnlyList<string> Layers)
{
    /// <summary>Multiply-accumulates of one GEMM: M * N * K.</summary>
    public long Macs => (long)M * N * K;

    /// <summary>Short label for tables: <c>MxNxK</c>.</summary>
    public string Size => FormattableString.Invariant($"{M}x{N}x{K}");

    /// <summary>
    /// Merges shapes of equal (M, N, K) into one, keeping every layer name, in first-seen order.
    /// </summary>
    public static IReadOnlyList<GemmShape> Dedupe(IEnumerable<GemmShape> shapes)
    {
        var order = new List<(int, int, int)>();
        var layers = new Dictionary<(int, int, int), List<string>>();
        foreach (var s in shapes)
        {
            var key = (s.M, s.N, s.K);
            if (!layers.TryGetValue(key, out var list))
            {
                list = [];
                layers[key] = list;
                order.Add(key);
            }

            list.AddRange(s.Layers);
        }

        return [.. order.Select(k => new GemmShape(k.Item1, k.Item2, k.Item3, layers[k]))];
    }
}
