// Every accelerator present on this machine, so each kernel test runs once per device.
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Onnxc.Kernels;

namespace Onnxc.Kernels.Tests.Support;

/// <summary>
/// One ILGPU context for the test process with the CPU device (always) and every CUDA device found.
/// Theories take a device name from <see cref="Names"/> and get its <see cref="Int8KernelLibrary"/>.
/// </summary>
public static class TestAccelerators
{
    private static readonly Lazy<Context> s_context = new(KernelDevices.CreateContext);

    private static readonly Dictionary<string, Int8KernelLibrary> s_libraries = [];

    /// <summary>"cpu", then "cuda0", "cuda1", ... for the CUDA devices present.</summary>
    public static IReadOnlyList<string> All { get; } = Enumerate();

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in All)
            {
                data.Add(name);
            }

            return data;
        }
    }

    public static Int8KernelLibrary Library(string name)
    {
        lock (s_libraries)
        {
            if (!s_libraries.TryGetValue(name, out var library))
            {
                Device device = name == "cpu"
                    ? s_context.Value.GetCPUDevice(0)
                    : s_context.Value.GetCudaDevice(int.Parse(name["cuda".Length..], System.Globalization.CultureInfo.InvariantCulture));
                library = new Int8KernelLibrary(device.CreateAccelerator(s_context.Value));
                s_libraries[name] = library;
            }

            return library;
        }
    }

    private static List<string> Enumerate()
    {
        var names = new List<string> { "cpu" };
        for (int i = 0; i < s_context.Value.GetCudaDevices().Count; i++)
        {
            names.Add($"cuda{i}");
        }

        return names;
    }
}
