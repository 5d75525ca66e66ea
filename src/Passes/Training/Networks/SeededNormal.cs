// Normal draws from a caller-seeded generator, for the initial weights of networks built from scratch.
namespace Onnxc.Passes.Training.Networks;

internal static class SeededNormal
{
    /// <summary><paramref name="count"/> draws of N(0, σ²) by Box–Muller: the same generator state gives the same values.</summary>
    public static float[] Draw(Random rng, long count, double sigma)
    {
        var w = new float[count];
        for (long i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            w[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return w;
    }
}
