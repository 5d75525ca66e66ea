// INT8 Concat: each input copied (and requantized) into its slice of the output.
using ILGPU;
using Onnxc.Kernels.Elementwise;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>Quantized Concat along one physical axis; one <see cref="ConcatSlice"/> per input.</summary>
public sealed record ConcatStep(string Source, int[] InputIds, int Output, ConcatSlice[] Slices)
    : PlanStep(Source, InputIds, [Output])
{
    public override string Kernel => "int8.concat";

    public override bool IsInt8 => true;

    internal override StepTag Tag => StepTag.Concat;

    internal override void WriteBody(PlanWriter writer)
    {
        writer.Write(Slices.Length);
        foreach (var s in Slices)
        {
            writer.WriteStruct(s);
        }
    }

    internal static ConcatStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        int n = reader.ReadInt();
        if (n != inputs.Length)
        {
            throw new InvalidDataException($"concat in plan has {n} slices for {inputs.Length} inputs");
        }

        var slices = new ConcatSlice[n];
        for (int i = 0; i < n; i++)
        {
            slices[i] = reader.ReadStruct<ConcatSlice>();
        }

        return new ConcatStep(source, inputs, outputs[0], slices);
    }

    internal override IStepRunner Prepare(StepContext context)
    {
        var inputs = InputIds.Select(context.Bytes).ToArray();
        var output = context.Bytes(Output);
        var library = context.Int8;
        var slices = Slices;
        IReadOnlyList<ArrayView<byte>> views = inputs;
        return new DelegateRunner(() => library.Concat(slices, views, output));
    }
}
