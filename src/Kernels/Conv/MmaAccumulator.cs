// The four int32 accumulator registers one lane holds for an m16n8k32 tensor-core tile.
namespace Onnxc.Kernels.Conv;

/// <summary>
/// Lane-local C fragment of <c>mma.sync.aligned.m16n8k32</c>: with g = lane / 4, t = lane % 4,
/// C0 = C[g][2t], C1 = C[g][2t + 1], C2 = C[g + 8][2t], C3 = C[g + 8][2t + 1].
/// </summary>
public readonly record struct MmaAccumulator(int C0, int C1, int C2, int C3);
