// The process-wide ILGPU context and one accelerator (with its kernel libraries) per device kind.
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime;

/// <summary>
/// Kernels are compiled once per accelerator (ILGPU caches them on the library objects), so every
/// <see cref="PlanRuntime"/> on the same device shares one accelerator and one pair of libraries, and
/// runs under that device's <see cref="Gate"/> because the libraries launch on the default stream.
/// </summary>
internal sealed class RuntimeAccelerators
{
    private static readonly Lazy<Context> s_context = new(KernelDevices.CreateContext);

    private static readonly Dictionary<RuntimeDevice, RuntimeAccelerators> s_devices = [];

    private RuntimeAccelerators(Accelerator accelerator)
    {
        Int8 = new Int8KernelLibrary(accelerator);
        Floats = new FloatKernelLibrary(accelerator);
        Description = accelerator is CudaAccelerator cuda
            ? $"CUDA: {accelerator.Name} ({cuda.Architecture}, {accelerator.MemorySize / (1 << 20)} MiB)"
            : $"CPU: ILGPU CPU accelerator ({accelerator.Name}; no CUDA GPU used, slow, for correctness)";
    }

    public Int8KernelLibrary Int8 { get; }

    public FloatKernelLibrary Floats { get; }

    public Accelerator Accelerator => Int8.Accelerator;

    public bool IsCuda => Accelerator.AcceleratorType == AcceleratorType.Cuda;

    public string Description { get; }

    public object Gate { get; } = new();

    /// <summary>True when ILGPU sees at least one CUDA device.</summary>
    public static bool CudaAvailable => s_context.Value.GetCudaDevices().Count > 0;

    public static RuntimeAccelerators Get(RuntimeDevice device)
    {
        if (device == RuntimeDevice.Auto)
        {
            device = CudaAvailable ? RuntimeDevice.Cuda : RuntimeDevice.Cpu;
        }

        lock (s_devices)
        {
            if (!s_devices.TryGetValue(device, out var result))
            {
                Device d;
                if (device == RuntimeDevice.Cuda)
                {
                    if (!CudaAvailable)
                    {
                        throw new InvalidOperationException("no CUDA GPU is available (use the CPU device instead)");
                    }

                    d = s_context.Value.GetCudaDevice(0);
                }
                else
                {
                    d = s_context.Value.GetCPUDevice(0);
                }

                result = new RuntimeAccelerators(d.CreateAccelerator(s_context.Value));
                s_devices[device] = result;
            }

            return result;
        }
    }
}
