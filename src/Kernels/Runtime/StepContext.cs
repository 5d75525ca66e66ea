// What a step needs while it is prepared: the kernel libraries and views of its tensors in the arena.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime;

/// <summary>The accelerator-side environment a <see cref="PlanStep"/> is prepared in.</summary>
internal sealed class StepContext
{
    private readonly ExecutionPlan _plan;
    private readonly ArrayView<byte> _arena;

    public StepContext(ExecutionPlan plan, ArrayView<byte> arena, Int8KernelLibrary int8, FloatKernelLibrary floats)
    {
        _plan = plan;
        _arena = arena;
        Int8 = int8;
        Floats = floats;
    }

    public Int8KernelLibrary Int8 { get; }

    public FloatKernelLibrary Floats { get; }

    public Accelerator Accelerator => Int8.Accelerator;

    public PlanTensor Tensor(int id) => _plan.Tensors[id];

    /// <summary>The tensor's bytes in the arena.</summary>
    public ArrayView<byte> Bytes(int id)
    {
        var t = _plan.Tensors[id];
        if (t.Offset < 0)
        {
            throw new InvalidOperationException($"tensor {t.Name} has no arena slot (memory plan missing)");
        }

        return _arena.SubView(t.Offset, t.ByteSize);
    }

    /// <summary>The tensor as float32 elements; throws for 8-bit tensors.</summary>
    public ArrayView<float> Floats32(int id)
    {
        var t = _plan.Tensors[id];
        if (t.ElementType != PlanElementType.Float32)
        {
            throw new InvalidOperationException($"tensor {t.Name} is {t.ElementType}, a float kernel reads it");
        }

        return Bytes(id).Cast<float>();
    }
}
