// The Adam optimiser (Kingma and Ba, 2015) over a fixed list of parameters.
namespace Onnxc.ModelMaker;

/// <summary>
/// m ← β1·m + (1-β1)·g, v ← β2·v + (1-β2)·g², θ ← θ - lr · (m / (1-β1^t)) / (√(v / (1-β2^t)) + ε).
/// β^t is kept as a running product rather than Math.Pow, whose last bit is platform-dependent.
/// </summary>
internal sealed class Adam
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Eps = 1e-8;

    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _m;
    private readonly float[][] _v;
    private double _beta1Power = 1;
    private double _beta2Power = 1;

    public Adam(IReadOnlyList<Parameter> parameters)
    {
        _parameters = parameters;
        _m = parameters.Select(p => new float[p.Value.Length]).ToArray();
        _v = parameters.Select(p => new float[p.Value.Length]).ToArray();
    }

    public void Step(double learningRate)
    {
        _beta1Power *= Beta1;
        _beta2Power *= Beta2;
        double correction1 = 1 - _beta1Power;
        double correction2 = 1 - _beta2Power;
        for (int k = 0; k < _parameters.Count; k++)
        {
            float[] value = _parameters[k].Value;
            float[] grad = _parameters[k].Grad;
            float[] m = _m[k];
            float[] v = _v[k];
            for (int i = 0; i < value.Length; i++)
            {
                double g = grad[i];
                m[i] = (float)((Beta1 * m[i]) + ((1 - Beta1) * g));
                v[i] = (float)((Beta2 * v[i]) + ((1 - Beta2) * g * g));
                double step = learningRate * (m[i] / correction1) / (Math.Sqrt(v[i] / correction2) + Eps);
                value[i] = (float)(value[i] - step);
            }
        }
    }
}
