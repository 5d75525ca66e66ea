// INT8 implicit-GEMM convolution (Conv, Gemm, MatMul with constant weights) with folded requantization.
using Onnxc.Kernels.Conv;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>
/// A quantized Conv/Gemm/MatMul island: NHWC bytes in, NHWC bytes out (rank-2 tensors for Gemm, whose
/// rows are the 1 x 1 "pixels"). All constants are in <see cref="Packed"/> (see <see cref="ConvPacker"/>).
/// </summary>
public sealed record ConvStep(string Source, int Input, int Output, PackedConv Packed)
    : PlanStep(Source, [Input], [Output]), IHasConstants
{
    public override string Kernel => Packed.Geometry.KernelHeight == 1 && Packed.Geometry.KernelWidth == 1 && Packed.Geometry.InHeight == 1 && Packed.Geometry.InWidth == 1
        ? "int8.gemm"
        : "int8.conv";

    public override bool IsInt8 => true;

    public long ConstantBytes => 4L * (Packed.Weights.Length + Packed.Bias.Length + Packed.Multipliers.Length + Packed.Shifts.Length);

    internal override StepTag Tag => StepTag.Conv;

    internal override void WriteBody(PlanWriter writer)
    {
        var g = Packed.Geometry;
        writer.Write([g.Batch, g.InHeight, g.InWidth, g.InChannels, g.OutChannels, g.KernelHeight, g.KernelWidth,
            g.StrideHeight, g.StrideWidth, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight, g.DilationHeight, g.DilationWidth, g.Groups]);
        writer.Write(Packed.Input);
        writer.Write(Packed.Output);
        writer.Write(Packed.KWords);
        writer.Write(Packed.Weights);
        writer.Write(Packed.Bias);
        writer.Write(Packed.Multipliers);
        writer.Write(Packed.Shifts);
        writer.Write(Packed.OutputLo);
        writer.Write(Packed.OutputHi);
    }

    internal static ConvStep ReadBody(PlanReader reader, string source, int[] inputs, int[] outputs)
    {
        int[] f = reader.ReadInts();
        if (f.Length != 16)
        {
            throw new InvalidDataException("convolution geometry in plan has the wrong length");
        }

        var g = new Conv2DGeometry
        {
            Batch = f[0], InHeight = f[1], InWidth = f[2], InChannels = f[3], OutChannels = f[4], KernelHeight = f[5], KernelWidth = f[6],
            StrideHeight = f[7], StrideWidth = f[8], PadTop = f[9], PadLeft = f[10], PadBottom = f[11], PadRight = f[12],
            DilationHeight = f[13], DilationWidth = f[14], Groups = f[15],
        };
        g.Validate();
        var input = reader.ReadRequiredQuant();
        var output = reader.ReadRequiredQuant();
        int kWords = reader.ReadInt();
        var packed = new PackedConv(g, input, output, kWords, reader.ReadInts(), reader.ReadInts(), reader.ReadInts(), reader.ReadInts(), reader.ReadInt(), reader.ReadInt());
        if (packed.Weights.Length != g.OutChannels * kWords || packed.Bias.Length != g.OutChannels
            || packed.Multipliers.Length != g.OutChannels || packed.Shifts.Length != g.OutChannels)
        {
            throw new InvalidDataException($"convolution constants in plan do not match its geometry [{source}]");
        }

        return new ConvStep(source, inputs[0], outputs[0], packed);
    }

    internal override IStepRunner Prepare(StepContext context)
    {
        var device = context.Int8.Upload(Packed);
        var input = context.Bytes(Input);
        var output = context.Bytes(Output);
        var library = context.Int8;
        return new DelegateRunner(() => library.Conv2D(device, input, output), device);
    }
}
