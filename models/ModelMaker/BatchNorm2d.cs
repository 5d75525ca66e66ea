// Per-channel batch normalisation over (batch, height, width): batch statistics in training, running ones in eval.
namespace Onnxc.ModelMaker;

/// <summary>
/// Training: μ = mean(x), σ² = mean((x-μ)²) over the M = batch·H·W values of a channel, x̂ = (x-μ)/√(σ²+ε),
/// y = γ·x̂ + β; the running mean and the unbiased running variance move by momentum 0.1 (as in PyTorch) and are
/// what the exported ONNX BatchNormalization uses. Backward:
/// dγ = Σ dy·x̂, dβ = Σ dy, dx = γ/(M·√(σ²+ε)) · (M·dy - dβ - x̂·dγ).
/// Sums are taken in double in a fixed order.
/// </summary>
internal sealed class BatchNorm2d
{
    public const float Epsilon = 1e-5f;
    private const float Momentum = 0.1f;

    private readonly int _channels;
    private float[] _normalized = [];
    private readonly float[] _invStd;
    private int _batch;
    private int _plane;

    public BatchNorm2d(string name, int channels)
    {
        _channels = channels;
        Scale = new Parameter(name + ".scale", channels);
        Bias = new Parameter(name + ".bias", channels);
        RunningMean = new float[channels];
        RunningVar = new float[channels];
        _invStd = new float[channels];
        Scale.Fill(1f);
        Array.Fill(RunningVar, 1f);
    }

    public Parameter Scale { get; }

    public Parameter Bias { get; }

    public float[] RunningMean { get; }

    public float[] RunningVar { get; }

    /// <summary>x and y are [batch, channels, plane]; y may be x.</summary>
    public void Forward(float[] x, int batch, int plane, float[] y, RunMode mode)
    {
        _batch = batch;
        _plane = plane;
        int m = batch * plane;
        if (_normalized.Length < m * _channels)
        {
            _normalized = new float[m * _channels];
        }

        for (int c = 0; c < _channels; c++)
        {
            float mean;
            float invStd;
            if (mode == RunMode.Train)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++)
                {
                    int start = ((b * _channels) + c) * plane;
                    for (int i = 0; i < plane; i++)
                    {
                        sum += x[start + i];
                    }
                }

                double mu = sum / m;
                double squares = 0;
                for (int b = 0; b < batch; b++)
                {
                    int start = ((b * _channels) + c) * plane;
                    for (int i = 0; i < plane; i++)
                    {
                        double d = x[start + i] - mu;
                        squares += d * d;
                    }
                }

                double variance = squares / m;
                mean = (float)mu;
                invStd = (float)(1.0 / Math.Sqrt(variance + Epsilon));
                RunningMean[c] = ((1 - Momentum) * RunningMean[c]) + (Momentum * mean);
                RunningVar[c] = ((1 - Momentum) * RunningVar[c]) + (Momentum * (float)(squares / (m - 1)));
            }
            else
            {
                mean = RunningMean[c];
                invStd = (float)(1.0 / Math.Sqrt(RunningVar[c] + (double)Epsilon));
            }

            _invStd[c] = invStd;
            float gamma = Scale.Value[c];
            float beta = Bias.Value[c];
            for (int b = 0; b < batch; b++)
            {
                int start = ((b * _channels) + c) * plane;
                for (int i = 0; i < plane; i++)
                {
                    float n = (x[start + i] - mean) * invStd;
                    _normalized[start + i] = n;
                    y[start + i] = (gamma * n) + beta;
                }
            }
        }
    }

    /// <summary>Only valid after a <see cref="RunMode.Train"/> forward. dx may be dy.</summary>
    public void Backward(float[] dy, float[] dx)
    {
        int plane = _plane;
        int m = _batch * plane;
        for (int c = 0; c < _channels; c++)
        {
            double dGamma = 0;
            double dBeta = 0;
            for (int b = 0; b < _batch; b++)
            {
                int start = ((b * _channels) + c) * plane;
                for (int i = 0; i < plane; i++)
                {
                    dGamma += dy[start + i] * (double)_normalized[start + i];
                    dBeta += dy[start + i];
                }
            }

            Scale.Grad[c] += (float)dGamma;
            Bias.Grad[c] += (float)dBeta;
            float k = Scale.Value[c] * _invStd[c] / m;
            float g = (float)dGamma;
            float sb = (float)dBeta;
            for (int b = 0; b < _batch; b++)
            {
                int start = ((b * _channels) + c) * plane;
                for (int i = 0; i < plane; i++)
                {
                    dx[start + i] = k * ((m * dy[start + i]) - sb - (_normalized[start + i] * g));
                }
            }
        }
    }
}
