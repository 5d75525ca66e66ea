// The runtime API: load a lowered plan once, run it many times on a CUDA GPU or ILGPU's CPU accelerator.
using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;

namespace Onnxc.Kernels.Runtime;

/// <summary>
/// A plan prepared on one accelerator: the activation arena is allocated and every step's constants are
/// uploaded once; <see cref="Run(float[][])"/> copies the inputs in, launches the steps in order and copies
/// the outputs back. Inputs and outputs are float32 in ONNX (logical, row-major) order. Runs on the same
/// device are serialized (the kernels share the device's default stream).
/// </summary>
public sealed class PlanRuntime : IDisposable
{
    private readonly RuntimeAccelerators _device;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _arena;
    private readonly List<IStepRunner> _runners = [];
    private bool _disposed;

    private PlanRuntime(ExecutionPlan plan, RuntimeAccelerators device)
    {
        Plan = plan;
        _device = device;
        _arena = device.Accelerator.Allocate1D<byte>(plan.ArenaBytes);
        var context = new StepContext(plan, _arena.View, device.Int8, device.Floats);
        try
        {
            foreach (var step in plan.Steps)
            {
                _runners.Add(step.Prepare(context));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ExecutionPlan Plan { get; }

    /// <summary>Which accelerator runs the plan, in words (CUDA device or ILGPU CPU accelerator).</summary>
    public string DeviceDescription => _device.Description;

    public bool IsCuda => _device.IsCuda;

    public IReadOnlyList<string> InputNames => Plan.Inputs.Select(i => Plan.Tensors[i].Name).ToArray();

    public IReadOnlyList<string> OutputNames => Plan.Outputs.Select(i => Plan.Tensors[i].Name).ToArray();

    /// <summary>Prepares <paramref name="plan"/> on <paramref name="device"/>.</summary>
    public static PlanRuntime Create(ExecutionPlan plan, RuntimeDevice device = RuntimeDevice.Auto)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new PlanRuntime(plan, RuntimeAccelerators.Get(device));
    }

    /// <summary>Loads the plan embedded in a compiled .onnx (see <see cref="PlanArtifact"/>) and prepares it.</summary>
    public static PlanRuntime Load(string onnxPath, RuntimeDevice device = RuntimeDevice.Auto) =>
        Create(PlanArtifact.ReadPlan(onnxPath), device);

    /// <summary>The logical shape of input <paramref name="index"/>.</summary>
    public int[] InputShape(int index) => (int[])Plan.Tensors[Plan.Inputs[index]].Shape.Clone();

    /// <summary>The logical shape of output <paramref name="index"/>.</summary>
    public int[] OutputShape(int index) => (int[])Plan.Tensors[Plan.Outputs[index]].Shape.Clone();

    /// <summary>Runs a plan with one input and one output.</summary>
    public float[] Run(float[] input)
    {
        if (Plan.Inputs.Length != 1 || Plan.Outputs.Length != 1)
        {
            throw new InvalidOperationException($"the plan has {Plan.Inputs.Length} inputs and {Plan.Outputs.Length} outputs; use Run(float[][])");
        }

        return Run([input])[0];
    }

    /// <summary>Runs the plan: one array per plan input, in order; returns one array per output.</summary>
    public float[][] Run(params float[][] inputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != Plan.Inputs.Length)
        {
            throw new ArgumentException($"the plan takes {Plan.Inputs.Length} inputs, got {inputs.Length}");
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            var t = Plan.Tensors[Plan.Inputs[i]];
            if (inputs[i] is null || inputs[i].Length != t.ElementCount)
            {
                throw new ArgumentException($"input '{t.Name}' needs {t.ElementCount} floats (shape [{string.Join(",", t.Shape)}]), got {inputs[i]?.Length ?? 0}");
            }
        }

        lock (_device.Gate)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                TensorView(Plan.Inputs[i]).CopyFromCPU(inputs[i]);
            }

            foreach (var runner in _runners)
            {
                runner.Run();
            }

            _device.Accelerator.Synchronize();
            return Plan.Outputs.Select(o => TensorView(o).GetAsArray()).ToArray();
        }
    }

    /// <summary>
    /// Runs every step once more and synchronizes after each, returning the time per step: a rough profile
    /// (the synchronization itself costs time, so use <see cref="Run(float[][])"/> for end-to-end timing).
    /// </summary>
    public IReadOnlyList<(PlanStep Step, TimeSpan Time)> Profile(params float[][] inputs)
    {
        Run(inputs);
        var result = new List<(PlanStep, TimeSpan)>();
        lock (_device.Gate)
        {
            for (int i = 0; i < _runners.Count; i++)
            {
                var watch = Stopwatch.StartNew();
                _runners[i].Run();
                _device.Accelerator.Synchronize();
                result.Add((Plan.Steps[i], watch.Elapsed));
            }
        }

        return result;
    }

    /// <summary>
    /// Runs step <paramref name="index"/> alone on the arena as it stands and waits for it. With
    /// <see cref="WriteTensor"/> and <see cref="ReadTensor"/> this checks one step against another engine on the
    /// same inputs (tensors whose slots the memory plan shares hold whatever was written last).
    /// </summary>
    public void RunStep(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _runners.Count);
        lock (_device.Gate)
        {
            _runners[index].Run();
            _device.Accelerator.Synchronize();
        }
    }

    /// <summary>The bytes of tensor <paramref name="id"/> in its memory order (<see cref="PlanTensor.PhysicalShape"/>).</summary>
    public byte[] ReadTensor(int id)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_device.Gate)
        {
            _device.Accelerator.Synchronize();
            return ArenaSlot(id).GetAsArray();
        }
    }

    /// <summary>Overwrites tensor <paramref name="id"/> with <paramref name="bytes"/>, in its memory order.</summary>
    public void WriteTensor(int id, byte[] bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(bytes);
        var t = Plan.Tensors[id];
        if (bytes.Length != t.ByteSize)
        {
            throw new ArgumentException($"tensor '{t.Name}' has {t.ByteSize} bytes, got {bytes.Length}");
        }

        lock (_device.Gate)
        {
            ArenaSlot(id).CopyFromCPU(bytes);
            _device.Accelerator.Synchronize();
        }
    }

    private ArrayView<byte> ArenaSlot(int id)
    {
        var t = Plan.Tensors[id];
        ArrayView<byte> arena = _arena.View;
        return arena.SubView(t.Offset, t.ByteSize);
    }

    private ArrayView<float> TensorView(int id) => ArenaSlot(id).Cast<float>();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var r in _runners)
        {
            r.Dispose();
        }

        _arena.Dispose();
    }
}
