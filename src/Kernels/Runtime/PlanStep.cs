// One kernel launch of a lowered plan: which tensors it reads and writes, and its folded constants.
namespace Onnxc.Kernels.Runtime;

/// <summary>
/// A step of an <see cref="ExecutionPlan"/>. Derived records hold everything the kernel needs, computed
/// at compile time; <see cref="Prepare"/> uploads those constants once, and the returned runner launches
/// the kernel on every run. <see cref="Source"/> names the ONNX node(s) the step came from.
/// </summary>
public abstract record PlanStep
{
    protected PlanStep(string source, int[] inputs, int[] outputs)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        Source = source;
        Inputs = inputs;
        Outputs = outputs;
    }

    public string Source { get; }

    public int[] Inputs { get; }

    public int[] Outputs { get; }

    /// <summary>Name of the kernel this step launches, e.g. <c>int8.conv</c> or <c>float.softmax</c>.</summary>
    public abstract string Kernel { get; }

    /// <summary>True when the step computes on 8-bit data (an INT8 kernel, or a quantize/dequantize border).</summary>
    public abstract bool IsInt8 { get; }

    internal abstract StepTag Tag { get; }

    /// <summary>Writes the fields of the derived record (the serializer writes the common ones).</summary>
    internal abstract void WriteBody(PlanWriter writer);

    /// <summary>Uploads the step's constants and returns what launches it.</summary>
    internal abstract IStepRunner Prepare(StepContext context);

    public override string ToString() =>
        $"{Kernel}({string.Join(", ", Inputs.Select(i => "t" + i))}) -> {string.Join(", ", Outputs.Select(o => "t" + o))}  [{Source}]";
}
