// The tiled INT8 implicit-GEMM convolution kernel (portable or dp4a inner product).
using ILGPU;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Explicitly grouped kernel: grid (ceil(M/32), ceil(N/32), groups), groups of 256 threads laid out
/// 16 x 16, each thread accumulating a 2 x 2 block of the 32 x 32 tile. The inner product is
/// <typeparamref name="TDot"/>: <see cref="PortableDot4"/> everywhere or <see cref="Dp4aDot4"/> on sm_61+.
/// Covers Conv (any stride, padding, dilation, groups, depthwise) and Gemm/MatMul (1 x 1).
/// </summary>
public static class ConvKernels
{
    public const int GroupSize = 256;

    public static void TiledConv<TDot>(
        ArrayView<byte> input,
        ArrayView<int> weights,
        ArrayView<int> bias,
        ArrayView<int> multipliers,
        ArrayView<int> shifts,
        ArrayView<byte> output,
        ConvKernelArgs a)
        where TDot : struct, IDot4
    {
        var tileA = SharedMemory.Allocate<int>(ConvTiles.SharedWords);
        var tileB = SharedMemory.Allocate<int>(ConvTiles.SharedWords);
        int thread = Group.IdxX;
        int tx = thread % 16;
        int ty = thread / 16;
        int mBase = Grid.IdxX * ConvTiles.TileM;
        int nBase = Grid.IdxY * ConvTiles.TileN;
        int group = Grid.IdxZ;
        var dot = default(TDot);
        int acc00 = 0, acc01 = 0, acc10 = 0, acc11 = 0;
        int rowA0 = ty * 2 * ConvTiles.SharedStride;
        int rowA1 = rowA0 + ConvTiles.SharedStride;
        int rowB0 = tx * 2 * ConvTiles.SharedStride;
        int rowB1 = rowB0 + ConvTiles.SharedStride;
        for (int kWord0 = 0; kWord0 < a.KWords; kWord0 += ConvTiles.TileKWords)
        {
            ConvTiles.LoadTiles(input, weights, a, tileA, tileB, mBase, nBase, group, kWord0, thread, Group.DimX);
            Group.Barrier();
            for (int w = 0; w < ConvTiles.TileKWords; w++)
            {
                int a0 = tileA[rowA0 + w];
                int a1 = tileA[rowA1 + w];
                int b0 = tileB[rowB0 + w];
                int b1 = tileB[rowB1 + w];
                acc00 = dot.Dot(a0, b0, acc00);
                acc01 = dot.Dot(a0, b1, acc01);
                acc10 = dot.Dot(a1, b0, acc10);
                acc11 = dot.Dot(a1, b1, acc11);
            }

            Group.Barrier();
        }

        int m0 = mBase + (ty * 2);
        int n0 = nBase + (tx * 2);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0, n0, group, acc00);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0, n0 + 1, group, acc01);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0 + 1, n0, group, acc10);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0 + 1, n0 + 1, group, acc11);
    }
}
