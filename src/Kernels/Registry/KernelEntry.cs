// One registered kernel variant: its key, path and the ILGPU method that implements it.
using System.Reflection;
using ILGPU.Backends.EntryPoints;

namespace Onnxc.Kernels.Registry;

/// <summary>
/// A kernel variant. <see cref="Method"/> is the static ILGPU kernel (generic arguments already bound);
/// <see cref="Grouping"/> says whether it needs its own group shape (tiles in shared memory) or takes any.
/// </summary>
public sealed record KernelEntry(KernelKey Key, KernelPath Path, MethodInfo Method, KernelGrouping Grouping)
{
    public string Name => Method.IsGenericMethod
        ? $"{Method.DeclaringType!.Name}.{Method.Name}<{string.Join(",", Method.GetGenericArguments().Select(t => t.Name))}>"
        : $"{Method.DeclaringType!.Name}.{Method.Name}";

    /// <summary>The ILGPU entry point description of <see cref="Method"/>.</summary>
    public EntryPointDescription EntryPoint() => EntryPointDescription.FromExplicitlyGroupedKernel(Method);
}
