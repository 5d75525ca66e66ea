// The list of known targets, looked up by name for --target and printed by --list-targets.
namespace Onnxc.Kernels.Targets;

/// <summary>
/// Known targets. Each entry is data; the kernel selector reads <see cref="TargetDescription.Features"/>
/// and never the name, so a new GPU needs only a new description here.
/// </summary>
public static class TargetRegistry
{
    /// <summary>
    /// NVIDIA GeForce RTX 2050 (laptop): GA107, Ampere, compute capability 8.6. Figures: 16 SMs,
    /// 4 GiB GDDR6 on a 64-bit bus at 14 Gbps (112 GB/s), ~48 dense INT8 tensor TOPS, ~6 FP32 TFLOPS at
    /// boost. sm_86 limits: 100 KiB shared memory per SM, 99 KiB per block with opt-in, 64 Ki registers
    /// per SM, 255 per thread, 1024 threads per block, 1536 resident threads per SM.
    /// </summary>
    public static TargetDescription Rtx2050 { get; } = new(
        Name: "rtx2050",
        Kind: TargetKind.CudaGpu,
        Summary: "NVIDIA GeForce RTX 2050 (Ampere GA107), INT8 via dp4a and mma.sync tensor cores",
        ComputeCapabilityMajor: 8,
        ComputeCapabilityMinor: 6,
        MultiprocessorCount: 16,
        MemoryBytes: 4L << 30,
        MemoryBandwidthGBps: 112,
        DenseInt8Tops: 48,
        Fp32Tflops: 6,
        SharedMemoryPerBlockBytes: 99 * 1024,
        SharedMemoryPerMultiprocessorBytes: 100 * 1024,
        RegistersPerMultiprocessor: 65536,
        MaxRegistersPerThread: 255,
        MaxThreadsPerGroup: 1024,
        MaxThreadsPerMultiprocessor: 1536,
        WarpSize: 32,
        Features: TargetFeatures.Dp4a | TargetFeatures.Int8TensorCores);

    /// <summary>
    /// The host CPU through ILGPU's CPU accelerator: the portable kernels, used as the reference
    /// and for machines without a GPU. Limits are those of the simulated device onnxc creates.
    /// </summary>
    public static TargetDescription Cpu { get; } = new(
        Name: "cpu",
        Kind: TargetKind.Cpu,
        Summary: "host CPU via ILGPU's CPU accelerator (portable kernels; correctness reference)",
        ComputeCapabilityMajor: 0,
        ComputeCapabilityMinor: 0,
        MultiprocessorCount: 0,
        MemoryBytes: 0,
        MemoryBandwidthGBps: 0,
        DenseInt8Tops: 0,
        Fp32Tflops: 0,
        SharedMemoryPerBlockBytes: 48 * 1024,
        SharedMemoryPerMultiprocessorBytes: 48 * 1024,
        RegistersPerMultiprocessor: 0,
        MaxRegistersPerThread: 0,
        MaxThreadsPerGroup: 256,
        MaxThreadsPerMultiprocessor: 256,
        WarpSize: 32,
        Features: TargetFeatures.None);

    /// <summary>All targets in the order <c>--list-targets</c> prints them.</summary>
    public static IReadOnlyList<TargetDescription> All { get; } = [Rtx2050, Cpu];

    /// <summary>Finds a target by name (case-insensitive); null when unknown.</summary>
    public static TargetDescription? Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds a target by name or throws with the list of known names.</summary>
    public static TargetDescription Get(string name) =>
        Find(name) ?? throw new ArgumentException(
            $"unknown target '{name}'; known targets: {string.Join(", ", All.Select(t => t.Name))}",
            nameof(name));
}
