// Emits PTX for a registered kernel without a GPU, through ILGPU's PTX backend.
using ILGPU;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Targets;

namespace Onnxc.Kernels.Ptx;

/// <summary>
/// Offline PTX generation: an ILGPU <see cref="Context"/> with no devices, a <see cref="PTXBackend"/> built
/// from a <see cref="CudaCapabilityContext"/> for the target's compute capability, and
/// <c>Backend.Compile(EntryPointDescription, KernelSpecialization)</c>. No CUDA driver is touched.
/// Note: ILGPU 1.5.3 writes <c>.target sm_80</c> when asked for sm_86 (it caps the directive at sm_80);
/// sm_80 PTX is JIT-compiled by the driver for any sm_8x GPU, and every instruction used here exists on sm_80.
/// </summary>
public sealed class PtxGenerator : IDisposable
{
    /// <summary>PTX ISA 7.1 is the first to know sm_86; mma.sync m16n8k32 s8 needs 7.0, dp4a 5.0.</summary>
    public static readonly CudaInstructionSet DefaultInstructionSet = CudaInstructionSet.ISA_71;

    private readonly Context _context;
    private readonly PTXBackend _backend;

    public PtxGenerator(CudaArchitecture architecture, CudaInstructionSet instructionSet)
    {
        _context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
        _backend = new PTXBackend(_context, new CudaCapabilityContext(architecture), architecture, instructionSet, null);
        Architecture = architecture;
    }

    public CudaArchitecture Architecture { get; }

    /// <summary>A generator for a CUDA target description (e.g. rtx2050 -> sm_86).</summary>
    public static PtxGenerator ForTarget(TargetDescription target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Kind != TargetKind.CudaGpu)
        {
            throw new ArgumentException($"target '{target.Name}' is not a CUDA GPU; there is no PTX for it");
        }

        return new PtxGenerator(new CudaArchitecture(target.ComputeCapabilityMajor, target.ComputeCapabilityMinor), DefaultInstructionSet);
    }

    /// <summary>The PTX module text of one kernel, the same whatever was compiled before it (<see cref="PtxNames"/>).</summary>
    public string Generate(KernelEntry kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var entry = kernel.EntryPoint();
        var compiled = (PTXCompiledKernel)_backend.Compile(entry, KernelSpecialization.Empty);
        return PtxNames.Canonical(compiled.PTXAssembly);
    }

    public void Dispose()
    {
        _backend.Dispose();
        _context.Dispose();
    }
}
