// exp() from correctly rounded operations only, so the softmax in training gives the same bits on every platform.
namespace Onnxc.ModelMaker;

/// <summary>
/// exp(x) = 2^k · e^r with k = round(x / ln 2) and r = x - k·ln 2 in [-ln2/2, ln2/2]; e^r by its Taylor series to
/// r^13 (error below 1e-16 relative there), 2^k by the exact <see cref="Math.ScaleB"/>. Math.Exp is avoided because
/// its last bit depends on the C runtime.
/// </summary>
internal static class DetMath
{
    private const double Ln2 = 0.69314718055994531;

    public static double Exp(double x)
    {
        x = Math.Clamp(x, -700.0, 700.0);
        double k = Math.Floor((x / Ln2) + 0.5);
        double r = x - (k * Ln2);
        double term = 1.0;
        double sum = 1.0;
        for (int n = 1; n <= 13; n++)
        {
            term = term * r / n;
            sum += term;
        }

        return Math.ScaleB(sum, (int)k);
    }
}
