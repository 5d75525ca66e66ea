// The INT8 implicit-GEMM convolution on Ampere tensor cores (mma.sync m16n8k32 s8), emulated elsewhere.
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Onnxc.Kernels.Conv;

/// <summary>
/// Explicitly grouped kernel: grid (ceil(M/32), ceil(N/32), groups), groups of 4 warps in a 2 x 2 layout;
/// each warp computes a 16 x 16 sub-tile as two <c>mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32</c>
/// per 32-byte K step, reading its fragments from the shared tiles of <see cref="ConvTiles"/>.
/// <para>
/// Fragment layout (PTX ISA, m16n8k32 .s8), with g = lane / 4 and t = lane % 4, as 4-byte words of a
/// 32-byte K step: A regs a0 = A[g][t], a1 = A[g + 8][t], a2 = A[g][t + 4], a3 = A[g + 8][t + 4];
/// B regs b0 = B[n = g][t], b1 = B[n = g][t + 4]; C regs c0 = C[g][2t], c1 = C[g][2t + 1],
/// c2 = C[g + 8][2t], c3 = C[g + 8][2t + 1].
/// </para>
/// Off CUDA, <see cref="Mma"/> computes the same product by exchanging those registers with warp
/// shuffles, so CPU tests check the fragment loads and the output mapping, not just the arithmetic.
/// The host runs the tensor-core instruction only on sm_80 and later.
/// </summary>
public static class TensorCoreConvKernel
{
    public const int GroupSize = 128;

    public static void TensorCoreConv(
        ArrayView<byte> input,
        ArrayView<int> weights,
        ArrayView<int> bias,
        ArrayView<int> multipliers,
        ArrayView<int> shifts,
        ArrayView<byte> output,
        ConvKernelArgs a)
    {
        var tileA = SharedMemory.Allocate<int>(ConvTiles.SharedWords);
        var tileB = SharedMemory.Allocate<int>(ConvTiles.SharedWords);
        int thread = Group.IdxX;
        int warp = thread / 32;
        int lane = thread % 32;
        int g = lane / 4;
        int t = lane % 4;
        int warpRow = (warp / 2) * 16;
        int warpCol = (warp % 2) * 16;
        int mBase = Grid.IdxX * ConvTiles.TileM;
        int nBase = Grid.IdxY * ConvTiles.TileN;
        int group = Grid.IdxZ;
        var c0 = default(MmaAccumulator);
        var c1 = default(MmaAccumulator);
        int rowA0 = (warpRow + g) * ConvTiles.SharedStride;
        int rowA1 = rowA0 + (8 * ConvTiles.SharedStride);
        int rowB0 = (warpCol + g) * ConvTiles.SharedStride;
        int rowB1 = rowB0 + (8 * ConvTiles.SharedStride);
        for (int kWord0 = 0; kWord0 < a.KWords; kWord0 += ConvTiles.TileKWords)
        {
            ConvTiles.LoadTiles(input, weights, a, tileA, tileB, mBase, nBase, group, kWord0, thread, Group.DimX);
            Group.Barrier();
            int a0 = tileA[rowA0 + t];
            int a1 = tileA[rowA1 + t];
            int a2 = tileA[rowA0 + t + 4];
            int a3 = tileA[rowA1 + t + 4];
            c0 = Mma(a0, a1, a2, a3, tileB[rowB0 + t], tileB[rowB0 + t + 4], c0);
            c1 = Mma(a0, a1, a2, a3, tileB[rowB1 + t], tileB[rowB1 + t + 4], c1);
            Group.Barrier();
        }

        int m0 = mBase + warpRow + g;
        int n0 = nBase + warpCol + (2 * t);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0, n0, group, c0.C0);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0, n0 + 1, group, c0.C1);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0 + 8, n0, group, c0.C2);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0 + 8, n0 + 1, group, c0.C3);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0, n0 + 8, group, c1.C0);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0, n0 + 9, group, c1.C1);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0 + 8, n0 + 8, group, c1.C2);
        ConvTiles.Store(bias, multipliers, shifts, output, a, m0 + 8, n0 + 9, group, c1.C3);
    }

    /// <summary>One warp-wide m16n8k32 s8 multiply-accumulate on the calling lane's fragments.</summary>
    /// <remarks>Accumulators travel by value: by-ref locals would be spilled to local memory on the GPU.</remarks>
    public static MmaAccumulator Mma(int a0, int a1, int a2, int a3, int b0, int b1, MmaAccumulator c)
    {
        if (CudaAsm.IsSupported)
        {
            Ref<int> d0 = c.C0, d1 = c.C1, d2 = c.C2, d3 = c.C3;
            Input<int> x0 = a0, x1 = a1, x2 = a2, x3 = a3, y0 = b0, y1 = b1;
            CudaAsm.EmitRef(
                "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};",
                ref d0, ref d1, ref d2, ref d3, ref x0, ref x1, ref x2, ref x3, ref y0, ref y1);
            return new MmaAccumulator(d0.Value, d1.Value, d2.Value, d3.Value);
        }

        // Emulation: lane (g, t) needs A rows g and g + 8 (held by lanes 4g + u) and B columns 2t and
        // 2t + 1 (held by lanes 8t + u and 8t + 4 + u), for u = 0..3.
        int lane = Warp.LaneIdx;
        int g = lane / 4;
        int t = lane % 4;
        for (int u = 0; u < 4; u++)
        {
            int rowLane = (4 * g) + u;
            int colLane0 = (8 * t) + u;
            int colLane1 = colLane0 + 4;
            int r0Lo = Warp.Shuffle(a0, rowLane);
            int r1Lo = Warp.Shuffle(a1, rowLane);
            int r0Hi = Warp.Shuffle(a2, rowLane);
            int r1Hi = Warp.Shuffle(a3, rowLane);
            int col0Lo = Warp.Shuffle(b0, colLane0);
            int col0Hi = Warp.Shuffle(b1, colLane0);
            int col1Lo = Warp.Shuffle(b0, colLane1);
            int col1Hi = Warp.Shuffle(b1, colLane1);
            c = new MmaAccumulator(
                PortableDot4.Compute(r0Hi, col0Hi, PortableDot4.Compute(r0Lo, col0Lo, c.C0)),
                PortableDot4.Compute(r0Hi, col1Hi, PortableDot4.Compute(r0Lo, col1Lo, c.C1)),
                PortableDot4.Compute(r1Hi, col0Hi, PortableDot4.Compute(r1Lo, col0Lo, c.C2)),
                PortableDot4.Compute(r1Hi, col1Hi, PortableDot4.Compute(r1Lo, col1Lo, c.C3)));
        }

        return c;
    }
}
