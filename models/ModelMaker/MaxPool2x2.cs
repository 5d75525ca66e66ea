// 2×2 max pooling with stride 2 (even sizes only), remembering the winner of each window for backward.
namespace Onnxc.ModelMaker;

/// <summary>y[i,j] = max over the window x[2i..2i+1, 2j..2j+1]; the gradient flows only to that maximum (to the
/// first one in row-major order on ties).</summary>
internal sealed class MaxPool2x2
{
    private int[] _winners = [];
    private int _inputLength;

    /// <summary>x is [planes, height, width]; y is [planes, height/2, width/2].</summary>
    public void Forward(float[] x, int planes, int height, int width, float[] y)
    {
        if (height % 2 != 0 || width % 2 != 0)
        {
            throw new ArgumentException($"2x2 pooling needs even sizes, got {height}x{width}");
        }

        int oh = height / 2;
        int ow = width / 2;
        _inputLength = planes * height * width;
        if (_winners.Length < planes * oh * ow)
        {
            _winners = new int[planes * oh * ow];
        }

        for (int p = 0; p < planes; p++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    int top = (p * height * width) + (2 * i * width) + (2 * j);
                    int best = top;
                    foreach (int candidate in (ReadOnlySpan<int>)[top + 1, top + width, top + width + 1])
                    {
                        if (x[candidate] > x[best])
                        {
                            best = candidate;
                        }
                    }

                    int o = (p * oh * ow) + (i * ow) + j;
                    _winners[o] = best;
                    y[o] = x[best];
                }
            }
        }
    }

    public void Backward(float[] dy, int outputLength, float[] dx)
    {
        Array.Clear(dx, 0, _inputLength);
        for (int o = 0; o < outputLength; o++)
        {
            dx[_winners[o]] += dy[o];
        }
    }
}
