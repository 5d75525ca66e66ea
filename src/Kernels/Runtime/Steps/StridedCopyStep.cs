// Data movement on any element type: Slice, Pad, Transpose, layout changes, float Concat and Reshape copies.
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>
/// One strided copy per input (<see cref="Pieces"/>[i] reads <see cref="PlanStep.Inputs"/>[i]) into the single
/// output. Exact on any element type, so on 8-bit tensors it is part of an INT8 island when the input and
/// output share their quantization; <see cref="PadValue"/> fills out-of-range positions (the zero point for
/// 8-bit tensors).
/// </summary>
public sealed record StridedCopyStep(string Source, string Operation, int[] InputIds, int Output, StridedCopyArgs[] Pieces, float PadValue, bool OnBytes)
    : PlanStep(Source, InputIds, [Output])
{
    public override string Kernel => (OnBytes ? "int8." : "float.") + Operation;

    public override bool IsInt8 => OnBytes;

    internal override StepTag Tag => StepTag.StridedCopy;

    internal override void WriteBody(PlanWriter writer)
    {
        writer.Write(Operation);
        writer.Write(PadValue);
        writer.Write(OnBytes);
        writer.Write(Pieces.Length);
        foreach (var p in Pieces)
        {
            writer.WriteStruct(p);
        }
    }

    internal static StridedCopyStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        string operation = reader.ReadString();
        float pad = reader.ReadFloat();
        bool onBytes = reader.ReadBool();
        int n = reader.ReadInt();
        if (n != inputs.Length)
        {
            throw new InvalidDataException($"strided copy in plan has {n} pieces for {inputs.Length} inputs");
        }

        var pieces = new StridedCopyArgs[n];
        for (int i = 0; i < n; i++)
        {
            pieces[i] = reader.ReadStruct<StridedCopyArgs>();
        }

        return new StridedCopyStep(source, operation, inputs, outputs[0], pieces, pad, onBytes);
    }

    internal override IStepRunner Prepare(StepContext context)
    {
        var floats = context.Floats;
        var pieces = Pieces;
        if (OnBytes)
        {
            var inputs = InputIds.Select(context.Bytes).ToArray();
            var output = context.Bytes(Output);
            byte pad = checked((byte)(int)PadValue);
            return new DelegateRunner(() =>
            {
                for (int i = 0; i < pieces.Length; i++)
                {
                    floats.StridedCopy(inputs[i], output, pieces[i], pad);
                }
            });
        }
        else
        {
            var inputs = InputIds.Select(context.Floats32).ToArray();
            var output = context.Floats32(Output);
            float pad = PadValue;
            return new DelegateRunner(() =>
            {
                for (int i = 0; i < pieces.Length; i++)
                {
                    floats.StridedCopy(inputs[i], output, pieces[i], pad);
                }
            });
        }
    }
}
