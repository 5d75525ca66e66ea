// Reads and writes PoolGeometry for the pooling steps.
using Onnxc.Kernels.Pool;

namespace Onnxc.Kernels.Runtime.Steps;

internal static class PoolSerialization
{
    public static void Write(PlanWriter writer, PoolGeometry g) =>
        writer.Write([g.Batch, g.InHeight, g.InWidth, g.Channels, g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth,
            g.PadTop, g.PadLeft, g.PadBottom, g.PadRight, g.DilationHeight, g.DilationWidth, g.CeilMode ? 1 : 0, g.CountIncludePad ? 1 : 0]);

    public static PoolGeometry Read(PlanReader reader)
    {
        int[] f = reader.ReadInts();
        if (f.Length != 16)
        {
            throw new InvalidDataException("pooling geometry in plan has the wrong length");
        }

        var g = new PoolGeometry
        {
            Batch = f[0], InHeight = f[1], InWidth = f[2], Channels = f[3], KernelHeight = f[4], KernelWidth = f[5],
            StrideHeight = f[6], StrideWidth = f[7], PadTop = f[8], PadLeft = f[9], PadBottom = f[10], PadRight = f[11],
            DilationHeight = f[12], DilationWidth = f[13], CeilMode = f[14] != 0, CountIncludePad = f[15] != 0,
        };
        g.Validate();
        return g;
    }
}
