// Applies --preprocess to one image: resize, centre crop, channel order, scale, mean/std, model layout.
namespace Onnxc.Evaluation.Data;

/// <summary>
/// The preprocessing of one image, in the fixed order of <see cref="PreprocessOptions"/>:
/// <list type="number">
/// <item>Resize (optional): the short side becomes N and the long side floor(N·long/short), so the aspect
/// ratio is kept as torchvision's Resize(N) keeps it. Sampling is bilinear with half-pixel centres and no
/// antialiasing: output pixel (y, x) reads the source at sy = (y + ½)·H/H' − ½ (clamped below at 0), likewise
/// sx, and blends the four neighbours floor(s), min(floor(s) + 1, size − 1) with weights 1 − frac, frac — the
/// same sampling as PyTorch's interpolate(mode='bilinear', align_corners=False, antialias=False). Results stay
/// float (no rounding back to 8 bits). A size that is already N on the short side is left untouched.</item>
/// <item>Centre crop (optional) to H×H at offset (floor((height − H)/2), floor((width − H)/2)); 256→224 crops at (16,16).</item>
/// <item>Channel order: images are RGB; bgr reverses the three channels.</item>
/// <item>x ← x·scale (scale applied in double, rounded once to float32, so scale=1/255 gives the float nearest p/255),
/// then x ← (x − mean[c]) / std[c] in float32, c being the channel after reordering.</item>
/// <item>Layout: written as C×H×W, H×W×C or H×W as the model input wants.</item>
/// </list>
/// Every output value must be finite; NaN or ±Inf (in float data, or from overflow) is an error naming the sample.
/// </summary>
internal sealed class ImagePipeline
{
    private readonly PreprocessOptions _options;
    private readonly ImageLayout _layout;
    private readonly float[] _mean;
    private readonly float[] _std;

    public ImagePipeline(PreprocessOptions options, ImageLayout layout, string dataName)
    {
        _options = options;
        _layout = layout;
        _mean = PerChannel(options.Mean, "mean", 0f, layout.Channels, dataName);
        _std = PerChannel(options.Std, "std", 1f, layout.Channels, dataName);
        if (options.Channels == ChannelOrder.Bgr && layout.Channels != 3)
        {
            throw new SampleDataException($"{dataName}: channels=bgr needs 3-channel images, the model takes {layout.Channels}");
        }
    }

    public ImageLayout Layout => _layout;

    /// <summary>Preprocesses <paramref name="image"/> (H×W×C, C = the model's channels) into the model's per-sample layout.</summary>
    public float[] Run(HwcImage image, string source, out long[] itemShape)
    {
        if (image.Channels != _layout.Channels)
        {
            throw new SampleDataException($"{source}: has {image.Channels} channels, the model takes {_layout.Channels}");
        }

        if (_options.Resize is int shortSide)
        {
            image = ResizeShortSide(image, shortSide);
        }

        int top = 0;
        int left = 0;
        int height = image.Height;
        int width = image.Width;
        if (_options.Crop is int crop)
        {
            if (crop > image.Height || crop > image.Width)
            {
                throw new SampleDataException(
                    $"{source}: is {image.Height}x{image.Width}{(_options.Resize is null ? "" : " after resize")}, smaller than crop={crop}");
            }

            top = (image.Height - crop) / 2;
            left = (image.Width - crop) / 2;
            height = crop;
            width = crop;
        }

        if ((_layout.Height >= 0 && _layout.Height != height) || (_layout.Width >= 0 && _layout.Width != width))
        {
            throw new SampleDataException(
                $"{source}: is {height}x{width} after preprocessing but the model input is {_layout.Height}x{_layout.Width} (set resize= and crop=)");
        }

        int channels = _layout.Channels;
        bool reverse = _options.Channels == ChannelOrder.Bgr;
        double scale = _options.Scale;
        var output = new float[height * width * channels];
        int plane = height * width;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int src = ((((top + y) * image.Width) + left + x) * channels);
                int pixel = (y * width) + x;
                for (int c = 0; c < channels; c++)
                {
                    float v = image.Pixels[src + (reverse ? channels - 1 - c : c)];
                    v = (float)(v * scale);
                    v = (v - _mean[c]) / _std[c];
                    if (!float.IsFinite(v))
                    {
                        throw new SampleDataException($"{source}: contains NaN or Inf (at pixel {y + top},{x + left}, channel {c})");
                    }

                    int dst = _layout.Axis == ChannelAxis.First ? (c * plane) + pixel : (pixel * channels) + c;
                    output[dst] = v;
                }
            }
        }

        itemShape = _layout.ItemShape(height, width);
        return output;
    }

    /// <summary>Bilinear resize so the short side is <paramref name="shortSide"/> (see the class comment for the exact sampling).</summary>
    internal static HwcImage ResizeShortSide(HwcImage image, int shortSide)
    {
        int outHeight;
        int outWidth;
        if (image.Height <= image.Width)
        {
            outHeight = shortSide;
            outWidth = (int)((long)shortSide * image.Width / image.Height);
        }
        else
        {
            outWidth = shortSide;
            outHeight = (int)((long)shortSide * image.Height / image.Width);
        }

        if (outHeight == image.Height && outWidth == image.Width)
        {
            return image;
        }

        outHeight = Math.Max(outHeight, 1);
        outWidth = Math.Max(outWidth, 1);
        int channels = image.Channels;
        var (y0, y1, fy) = Taps(image.Height, outHeight);
        var (x0, x1, fx) = Taps(image.Width, outWidth);
        var output = new float[outHeight * outWidth * channels];
        float[] src = image.Pixels;
        for (int y = 0; y < outHeight; y++)
        {
            int row0 = y0[y] * image.Width;
            int row1 = y1[y] * image.Width;
            double wy = fy[y];
            for (int x = 0; x < outWidth; x++)
            {
                double wx = fx[x];
                int dst = ((y * outWidth) + x) * channels;
                for (int c = 0; c < channels; c++)
                {
                    double top = src[((row0 + x0[x]) * channels) + c] + (wx * (src[((row0 + x1[x]) * channels) + c] - src[((row0 + x0[x]) * channels) + c]));
                    double bottom = src[((row1 + x0[x]) * channels) + c] + (wx * (src[((row1 + x1[x]) * channels) + c] - src[((row1 + x0[x]) * channels) + c]));
                    output[dst + c] = (float)(top + (wy * (bottom - top)));
                }
            }
        }

        return new HwcImage(output, outHeight, outWidth, channels);
    }

    /// <summary>For each output coordinate along one axis: the two source taps and the weight of the second.</summary>
    private static (int[] Low, int[] High, double[] Frac) Taps(int inSize, int outSize)
    {
        var low = new int[outSize];
        var high = new int[outSize];
        var frac = new double[outSize];
        double step = (double)inSize / outSize;
        for (int i = 0; i < outSize; i++)
        {
            double s = Math.Max(((i + 0.5) * step) - 0.5, 0.0);
            int l = Math.Min((int)s, inSize - 1);
            low[i] = l;
            high[i] = Math.Min(l + 1, inSize - 1);
            frac[i] = s - l;
        }

        return (low, high, frac);
    }

    private static float[] PerChannel(IReadOnlyList<float> values, string key, float fallback, int channels, string dataName)
    {
        if (values.Count == 0)
        {
            return Enumerable.Repeat(fallback, channels).ToArray();
        }

        if (values.Count == 1)
        {
            return Enumerable.Repeat(values[0], channels).ToArray();
        }

        if (values.Count != channels)
        {
            throw new SampleDataException($"{dataName}: --preprocess {key} has {values.Count} values but the model input has {channels} channels");
        }

        return [.. values];
    }
}
