// Offline PTX of every kernel a plan launches, for a CUDA target, generated without a GPU.
using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Onnxc.Kernels.Conv;
using Onnxc.Kernels.Ptx;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;
using Onnxc.Kernels.Targets;
using RegistryType = Onnxc.Kernels.Registry.ElementType;

namespace Onnxc.Kernels.Runtime;

/// <summary>
/// Maps each step of a plan to the kernel method it launches on the target (for convolutions the algorithm
/// <see cref="Int8KernelLibrary.SelectConvAlgorithm(TargetDescription, Conv2DGeometry)"/> picks) and compiles each distinct method to
/// PTX with ILGPU's PTX backend, the same settings as <see cref="PtxGenerator"/>. Keys are kernel names.
/// </summary>
public static class PlanPtx
{
    public static IReadOnlyDictionary<string, string> Generate(ExecutionPlan plan, TargetDescription target)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Kind != TargetKind.CudaGpu)
        {
            return new Dictionary<string, string>();
        }

        var kernels = new Dictionary<string, MethodInfo>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            if (KernelOf(step, plan, target) is { } method)
            {
                kernels.TryAdd(Name(method), method);
            }
        }

        var architecture = new CudaArchitecture(target.ComputeCapabilityMajor, target.ComputeCapabilityMinor);
        using var context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, PtxGenerator.DefaultInstructionSet, null);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, method) in kernels.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
            // ILGPU numbers parameters and labels with process-wide node ids: canonical names make the file the
            // same whatever was compiled before in the process (an MSBuild node compiles many models).
            result[name] = PtxNames.Canonical(((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly);
        }

        return result;
    }

    private static MethodInfo? KernelOf(PlanStep step, ExecutionPlan plan, TargetDescription target)
    {
        RegistryType Of(int id) => plan.Tensors[id].ElementType switch
        {
            PlanElementType.Int8 => RegistryType.Int8,
            PlanElementType.UInt8 => RegistryType.UInt8,
            _ => RegistryType.Float32,
        };

        KernelEntry? Registered(KernelOp op, int input, int output, KernelPath path = KernelPath.Portable) =>
            KernelRegistry.Find(new KernelKey(op, Of(input), Of(output))).FirstOrDefault(e => e.Path == path);

        KernelEntry? entry = step switch
        {
            ConvStep c => Registered(
                c.Kernel == "int8.gemm" ? KernelOp.Gemm : KernelOp.Conv,
                c.Input,
                c.Output,
                Int8KernelLibrary.SelectConvAlgorithm(target, c.Packed.Geometry) switch
                {
                    ConvAlgorithm.TensorCore => KernelPath.TensorCore,
                    ConvAlgorithm.Dp4a => KernelPath.Dp4a,
                    ConvAlgorithm.Direct => KernelPath.Direct,
                    _ => KernelPath.Portable,
                }),
            MaxPoolStep m => Registered(KernelOp.MaxPool, m.Input, m.Output),
            AveragePoolStep a => Registered(KernelOp.AveragePool, a.Input, a.Output),
            AddStep a => Registered(KernelOp.Add, a.A, a.Output),
            ConcatStep c => Registered(KernelOp.Concat, c.InputIds[0], c.Output),
            QuantizeStep q => Registered(KernelOp.QuantizeLinear, q.Input, q.Output),
            DequantizeStep d => Registered(KernelOp.DequantizeLinear, d.Input, d.Output),
            _ => null,
        };
        if (entry is not null)
        {
            return entry.Method;
        }

        string? floatKernel = step switch
        {
            StridedCopyStep => nameof(FloatKernels.StridedCopy),
            FloatUnaryStep => nameof(FloatKernels.Unary),
            FloatBinaryStep => nameof(FloatKernels.Binary),
            SoftmaxStep => nameof(FloatKernels.Softmax),
            FloatGemmStep => nameof(FloatKernels.Gemm),
            FloatConvStep => nameof(FloatKernels.Conv),
            FloatPoolStep => nameof(FloatKernels.Pool),
            _ => null,
        };
        if (floatKernel is null)
        {
            return null;
        }

        var method = typeof(FloatKernels).GetMethod(floatKernel, BindingFlags.Public | BindingFlags.Static)!;
        return step is StridedCopyStep s ? method.MakeGenericMethod(s.OnBytes ? typeof(byte) : typeof(float)) : method;
    }

    private static string Name(MethodInfo m) => m.IsGenericMethod
        ? $"{m.DeclaringType!.Name}.{m.Name}<{string.Join(",", m.GetGenericArguments().Select(t => t.Name))}>"
        : $"{m.DeclaringType!.Name}.{m.Name}";
}
