// A compilation target as plain data: the numbers the lowering and the kernel selector read.
namespace Onnxc.Kernels.Targets;

/// <summary>
/// Describes one target machine. Targets are data, not code: adding a GPU means adding one of these to
/// <see cref="TargetRegistry"/>. Throughput figures are peak vendor numbers, used for cost estimates only.
/// </summary>
/// <param name="Name">Name on the command line (<c>--target</c>), lower-case.</param>
/// <param name="Kind">CPU or CUDA GPU.</param>
/// <param name="Summary">One line for <c>--list-targets</c>.</param>
/// <param name="ComputeCapabilityMajor">CUDA compute capability major (0 for CPU).</param>
/// <param name="ComputeCapabilityMinor">CUDA compute capability minor (0 for CPU).</param>
/// <param name="MultiprocessorCount">Streaming multiprocessors (GPU) or cores (CPU, 0 = use the host's).</param>
/// <param name="MemoryBytes">Device memory in bytes (0 = host memory).</param>
/// <param name="MemoryBandwidthGBps">Peak memory bandwidth in GB/s.</param>
/// <param name="DenseInt8Tops">Peak dense INT8 throughput in tera-ops/s (tensor cores where present).</param>
/// <param name="Fp32Tflops">Peak FP32 throughput in TFLOP/s.</param>
/// <param name="SharedMemoryPerBlockBytes">Largest shared memory one group may use (with opt-in).</param>
/// <param name="SharedMemoryPerMultiprocessorBytes">Shared memory per multiprocessor.</param>
/// <param name="RegistersPerMultiprocessor">32-bit registers per multiprocessor.</param>
/// <param name="MaxRegistersPerThread">32-bit registers one thread may use.</param>
/// <param name="MaxThreadsPerGroup">Largest group (thread block).</param>
/// <param name="MaxThreadsPerMultiprocessor">Resident threads per multiprocessor.</param>
/// <param name="WarpSize">Threads per warp.</param>
/// <param name="Features">Instruction features the kernel selector may use.</param>
public sealed record TargetDescription(
    string Name,
    TargetKind Kind,
    string Summary,
    int ComputeCapabilityMajor,
    int ComputeCapabilityMinor,
    int MultiprocessorCount,
    long MemoryBytes,
    double MemoryBandwidthGBps,
    double DenseInt8Tops,
    double Fp32Tflops,
    int SharedMemoryPerBlockBytes,
    int SharedMemoryPerMultiprocessorBytes,
    int RegistersPerMultiprocessor,
    int MaxRegistersPerThread,
    int MaxThreadsPerGroup,
    int MaxThreadsPerMultiprocessor,
    int WarpSize,
    TargetFeatures Features)
{
    /// <summary>"sm_86" for a CUDA target; empty for the CPU.</summary>
    public string ComputeCapability =>
        Kind == TargetKind.CudaGpu ? $"sm_{ComputeCapabilityMajor}{ComputeCapabilityMinor}" : string.Empty;

    /// <summary>True when every flag in <paramref name="features"/> is available.</summary>
    public bool Has(TargetFeatures features) => (Features & features) == features;

    /// <summary>One line for <c>--list-targets</c>.</summary>
    public string Describe() => Kind == TargetKind.CudaGpu
        ? $"{Name,-10} {ComputeCapability}, {MultiprocessorCount} SMs, {MemoryBytes / (1L << 30)} GiB at " +
          $"{MemoryBandwidthGBps:0} GB/s, ~{DenseInt8Tops:0} INT8 TOPS, ~{Fp32Tflops:0.#} FP32 TFLOPS - {Summary}"
        : $"{Name,-10} {Summary}";
}
