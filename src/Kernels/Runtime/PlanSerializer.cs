// Binary (de)serialization of an ExecutionPlan: the form that travels inside the emitted .onnx.
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Kernels.Runtime;

/// <summary>
/// Layout: magic "ONNXCPLN", format version, target, tensors (name, type, shape, layout, quantization,
/// offset), steps (tag, source, inputs, outputs, then the step's own fields), plan inputs and outputs, arena
/// size. All little-endian. Reading validates every index and size, so a damaged plan fails with a reason
/// instead of launching a kernel out of bounds.
/// </summary>
public static class PlanSerializer
{
    private const ulong Magic = 0x4E4C5043584E4E4FUL; // "ONNXCPLN" as little-endian bytes.

    public static byte[] ToBytes(ExecutionPlan plan)
    {
        using var stream = new MemoryStream();
        Write(plan, stream);
        return stream.ToArray();
    }

    public static ExecutionPlan FromBytes(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream);
    }

    public static void Write(ExecutionPlan plan, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var w = new PlanWriter(stream);
        w.Write((long)Magic);
        w.Write(ExecutionPlan.FormatVersion);
        w.Write(plan.Target);
        w.Write(plan.Tensors.Count);
        foreach (var t in plan.Tensors)
        {
            w.Write(t.Name);
            w.Write((byte)t.ElementType);
            w.Write(t.Shape);
            w.Write((byte)t.Layout);
            w.Write(t.Quant);
            w.Write(t.Offset);
        }

        w.Write(plan.Steps.Count);
        foreach (var s in plan.Steps)
        {
            w.Write((byte)s.Tag);
            w.Write(s.Source);
            w.Write(s.Inputs);
            w.Write(s.Outputs);
            s.WriteBody(w);
        }

        w.Write(plan.Inputs);
        w.Write(plan.Outputs);
        w.Write(plan.ArenaBytes);
    }

    public static ExecutionPlan Read(Stream stream)
    {
        using var r = new PlanReader(stream);
        try
        {
            if ((ulong)r.ReadLong() != Magic)
            {
                throw new InvalidDataException("not an onnxc execution plan (bad magic)");
            }

            int version = r.ReadInt();
            if (version != ExecutionPlan.FormatVersion)
            {
                throw new InvalidDataException($"plan format version {version}, this runtime reads {ExecutionPlan.FormatVersion}: recompile the model");
            }

            string target = r.ReadString();
            int tensorCount = r.ReadInt();
            if (tensorCount < 0 || tensorCount > 1 << 24)
            {
                throw new InvalidDataException($"plan tensor count {tensorCount} is out of range");
            }

            var tensors = new List<PlanTensor>(tensorCount);
            for (int i = 0; i < tensorCount; i++)
            {
                string name = r.ReadString();
                byte type = r.ReadByte();
                if (!Enum.IsDefined((PlanElementType)type))
                {
                    throw new InvalidDataException($"tensor {name}: unknown element type {type}");
                }

                int[] shape = r.ReadInts();
                byte layout = r.ReadByte();
                if (!Enum.IsDefined((PlanLayout)layout))
                {
                    throw new InvalidDataException($"tensor {name}: unknown layout {layout}");
                }

                var quant = r.ReadQuant();
                var tensor = new PlanTensor(i, name, (PlanElementType)type, shape, (PlanLayout)layout, quant) { Offset = r.ReadLong() };
                tensors.Add(tensor);
            }

            int stepCount = r.ReadInt();
            if (stepCount < 0 || stepCount > 1 << 24)
            {
                throw new InvalidDataException($"plan step count {stepCount} is out of range");
            }

            var steps = new List<PlanStep>(stepCount);
            for (int i = 0; i < stepCount; i++)
            {
                steps.Add(ReadStep(r, tensors));
            }

            int[] inputs = r.ReadInts();
            int[] outputs = r.ReadInts();
            long arena = r.ReadLong();
            return new ExecutionPlan(target, tensors, steps, inputs, outputs, arena);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("the execution plan is truncated");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException("the execution plan is invalid: " + e.Message, e);
        }
    }

    private static PlanStep ReadStep(PlanReader r, List<PlanTensor> tensors)
    {
        var tag = (StepTag)r.ReadByte();
        string source = r.ReadString();
        int[] inputs = r.ReadInts();
        int[] outputs = r.ReadInts();
        foreach (int id in inputs.Concat(outputs))
        {
            if (id < 0 || id >= tensors.Count)
            {
                throw new InvalidDataException($"step [{source}] refers to tensor {id}, the plan has {tensors.Count}");
            }
        }

        if (outputs.Length != 1 || (inputs.Length == 0) != (tag == StepTag.Constant))
        {
            throw new InvalidDataException($"step [{source}] has {inputs.Length} inputs and {outputs.Length} outputs");
        }

        return tag switch
        {
            StepTag.Constant => ConstantStep.ReadBody(r, source, outputs),
            StepTag.Conv => ConvStep.ReadBody(r, source, inputs, outputs),
            StepTag.MaxPool => MaxPoolStep.ReadBody(r, source, inputs, outputs),
            StepTag.AveragePool => AveragePoolStep.ReadBody(r, source, inputs, outputs),
            StepTag.Add when inputs.Length == 2 => AddStep.ReadBody(r, source, inputs, outputs),
            StepTag.Concat => ConcatStep.ReadBody(r, source, inputs, outputs),
            StepTag.Quantize => QuantizeStep.ReadBody(r, source, inputs, outputs),
            StepTag.Dequantize => DequantizeStep.ReadBody(r, source, inputs, outputs),
            StepTag.StridedCopy => StridedCopyStep.ReadBody(r, source, inputs, outputs),
            StepTag.FloatUnary => FloatUnaryStep.ReadBody(r, source, inputs, outputs),
            StepTag.FloatBinary when inputs.Length == 2 => FloatBinaryStep.ReadBody(r, source, inputs, outputs),
            StepTag.Softmax => SoftmaxStep.ReadBody(r, source, inputs, outputs),
            StepTag.FloatGemm => FloatGemmStep.ReadBody(r, source, inputs, outputs),
            StepTag.FloatConv => FloatConvStep.ReadBody(r, source, inputs, outputs),
            StepTag.FloatPool => FloatPoolStep.ReadBody(r, source, inputs, outputs),
            _ => throw new InvalidDataException($"unknown step tag {(byte)tag} (or wrong input count) in plan [{source}]"),
        };
    }
}
