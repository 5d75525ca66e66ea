// A seeded random generator whose stream is defined by this file alone, so regenerated data is bit-identical everywhere.
namespace Onnxc.ModelMaker;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): state += golden gamma, then a fixed 64-bit mix. System.Random is not used
/// because its seeded stream is an implementation detail of .NET; this one can never change under us. Only integer
/// arithmetic and exact conversions are used, and the derived doubles come from exact scalings by powers of two.
/// </summary>
internal sealed class DetRandom
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;

    private ulong _state;

    public DetRandom(ulong seed)
    {
        _state = seed;
    }

    /// <summary>
    /// An independent stream for item <paramref name="index"/> of a split, so each image depends only on (seed, index)
    /// and not on how many random numbers the images before it happened to consume.
    /// </summary>
    public static DetRandom ForItem(ulong seed, long index) =>
        new(Mix(Mix(seed) ^ Mix(((ulong)index + 1) * GoldenGamma)));

    public ulong NextUInt64()
    {
        _state += GoldenGamma;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1): the top 53 bits scaled by 2^-53, which is exact.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>Uniform integer in [0, n) by Lemire's multiply-shift (the bias is below 2^-32 for our n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "must be positive");
        }

        return (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
    }

    /// <summary>
    /// Approximately standard normal: the Irwin-Hall sum of 12 uniforms minus 6 (mean 0, variance 1). It needs no
    /// log/sin/cos, whose last bits differ between C runtimes, so the result is the same on every platform.
    /// </summary>
    public double NextGaussian()
    {
        double sum = 0;
        for (int i = 0; i < 12; i++)
        {
            sum += NextDouble();
        }

        return sum - 6.0;
    }

    /// <summary>
    /// A uniformly random direction (cos θ, sin θ), drawn by rejection from the unit disk and normalized with the
    /// correctly rounded square root, again to avoid platform-dependent trigonometry.
    /// </summary>
    public (double Cos, double Sin) NextDirection()
    {
        while (true)
        {
            double x = Uniform(-1, 1);
            double y = Uniform(-1, 1);
            double r2 = (x * x) + (y * y);
            if (r2 is > 1e-4 and <= 1.0)
            {
                double r = Math.Sqrt(r2);
                return (x / r, y / r);
            }
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
