// Deterministic random tensors for kernel tests.
namespace Onnxc.Kernels.Tests.Support;

public static class TestData
{
    public static byte[] Bytes(Random random, long count)
    {
        var data = new byte[count];
        random.NextBytes(data);
        return data;
    }

    public static sbyte[] SBytes(Random random, long count)
    {
        var data = new sbyte[count];
        for (long i = 0; i < count; i++)
        {
            data[i] = (sbyte)random.Next(-128, 128);
        }

        return data;
    }

    public static float[] Floats(Random random, long count, float min, float max)
    {
        var data = new float[count];
        for (long i = 0; i < count; i++)
        {
            data[i] = min + ((float)random.NextDouble() * (max - min));
        }

        return data;
    }

    public static int[] Ints(Random random, long count, int min, int max)
    {
        var data = new int[count];
        for (long i = 0; i < count; i++)
        {
            data[i] = random.Next(min, max);
        }

        return data;
    }
}
