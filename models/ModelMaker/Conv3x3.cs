// A 3×3, stride 1, pad 1 convolution without bias (a BatchNormalization follows it), forward and backward.
namespace Onnxc.ModelMaker;

/// <summary>
/// y[b,o,i,j] = Σ_{c,u,v} W[o,c,u,v] · x[b,c,i+u-1,j+v-1], x zero outside the image. The input is copied into a
/// zero-padded plane of width Wp = W + 2; then every tap (u, v) is one long y += w · x shifted by u·Wp + v, computed
/// on a "wide" output of H rows × Wp columns whose last two columns are junk and dropped. Backward uses the same
/// shifts: dx_pad += w · dy_wide and dW[o,c,u,v] = dy_wide · x_pad shifted, with the junk columns of dy_wide zero.
/// </summary>
internal sealed class Conv3x3
{
    private readonly int _inChannels;
    private readonly int _outChannels;
    private float[] _padded = [];
    private int _batch;
    private int _height;
    private int _width;

    public Conv3x3(string name, int inChannels, int outChannels)
    {
        _inChannels = inChannels;
        _outChannels = outChannels;
        Weight = new Parameter(name + ".weight", outChannels, inChannels, 3, 3);
    }

    public Parameter Weight { get; }

    public void Initialize(DetRandom rng) => Weight.InitUniform(rng, Math.Sqrt(6.0 / (_inChannels * 9)));

    /// <summary>input [batch, in, height, width] → output [batch, out, height, width].</summary>
    public void Forward(float[] input, int batch, int height, int width, float[] output)
    {
        _batch = batch;
        _height = height;
        _width = width;
        int wp = width + 2;
        int padPlane = (height + 2) * wp;
        int wide = (height * wp) - 2;
        int plane = height * width;
        if (_padded.Length < batch * _inChannels * padPlane)
        {
            _padded = new float[batch * _inChannels * padPlane];
        }

        Array.Clear(_padded);
        for (int p = 0; p < batch * _inChannels; p++)
        {
            for (int y = 0; y < height; y++)
            {
                input.AsSpan((p * plane) + (y * width), width)
                    .CopyTo(_padded.AsSpan((p * padPlane) + ((y + 1) * wp) + 1));
            }
        }

        var acc = new float[height * wp];
        float[] w = Weight.Value;
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < _outChannels; o++)
            {
                Array.Clear(acc);
                for (int c = 0; c < _inChannels; c++)
                {
                    int source = ((b * _inChannels) + c) * padPlane;
                    int tap = ((o * _inChannels) + c) * 9;
                    for (int u = 0; u < 3; u++)
                    {
                        for (int v = 0; v < 3; v++)
                        {
                            VectorMath.Axpy(w[tap + (u * 3) + v], _padded.AsSpan(source + (u * wp) + v, wide),
                                acc.AsSpan(0, wide));
                        }
                    }
                }

                int target = ((b * _outChannels) + o) * plane;
                for (int y = 0; y < height; y++)
                {
                    acc.AsSpan(y * wp, width).CopyTo(output.AsSpan(target + (y * width)));
                }
            }
        }
    }

    /// <summary>Accumulates dW from dOutput; writes dInput when it is not null (the first layer needs none).</summary>
    public void Backward(float[] dOutput, float[]? dInput)
    {
        int height = _height;
        int width = _width;
        int wp = width + 2;
        int padPlane = (height + 2) * wp;
        int wide = (height * wp) - 2;
        int plane = height * width;
        var dWide = new float[_outChannels * height * wp];
        var dPadded = new float[_inChannels * padPlane];
        float[] w = Weight.Value;
        float[] dw = Weight.Grad;
        for (int b = 0; b < _batch; b++)
        {
            for (int o = 0; o < _outChannels; o++)
            {
                for (int y = 0; y < height; y++)
                {
                    dOutput.AsSpan((((b * _outChannels) + o) * plane) + (y * width), width)
                        .CopyTo(dWide.AsSpan((o * height * wp) + (y * wp)));
                }
            }

            Array.Clear(dPadded);
            for (int o = 0; o < _outChannels; o++)
            {
                ReadOnlySpan<float> dy = dWide.AsSpan(o * height * wp, wide);
                for (int c = 0; c < _inChannels; c++)
                {
                    int source = ((b * _inChannels) + c) * padPlane;
                    int tap = ((o * _inChannels) + c) * 9;
                    for (int u = 0; u < 3; u++)
                    {
                        for (int v = 0; v < 3; v++)
                        {
                            int shift = (u * wp) + v;
                            dw[tap + (u * 3) + v] += VectorMath.Dot(dy, _padded.AsSpan(source + shift, wide));
                            if (dInput is not null)
                            {
                                VectorMath.Axpy(w[tap + (u * 3) + v], dy, dPadded.AsSpan((c * padPlane) + shift, wide));
                            }
                        }
                    }
                }
            }

            if (dInput is not null)
            {
                for (int c = 0; c < _inChannels; c++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        dPadded.AsSpan((c * padPlane) + ((y + 1) * wp) + 1, width)
                            .CopyTo(dInput.AsSpan((((b * _inChannels) + c) * plane) + (y * width)));
                    }
                }
            }
        }
    }
}
