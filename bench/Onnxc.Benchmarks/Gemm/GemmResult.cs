// One timed (shape, algorithm) pair of the int8-gemm benchmark.
using Onnxc.Kernels.Conv;

namespace Onnxc.Benchmarks.Gemm;

/// <summary>
/// <paramref name="MedianMs"/> is what <paramref name="Timer"/> measured (CUDA events around the launch, or the
/// wall clock around launch + synchronize on the CPU); <paramref name="WallMedianMs"/> always includes the
/// launch and synchronization overhead. <paramref name="CheckError"/> is null when sampled rows matched the
/// scalar reference bit for bit.
/// </summary>
public sealed record GemmResult(
    GemmShape Shape,
    ConvAlgorithm Algorithm,
    string Device,
    string Timer,
    int Iterations,
    double MedianMs,
    double WallMedianMs,
    double Tops,
    string? CheckError);
