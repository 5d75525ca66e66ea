// Where a model input keeps its channels, read from its dimensions, so images can be laid out to match.
namespace Onnxc.Evaluation.Data;

/// <summary>Channel axis of an image-like model input.</summary>
internal enum ChannelAxis
{
    /// <summary>[N,C,H,W].</summary>
    First,

    /// <summary>[N,H,W,C].</summary>
    Last,

    /// <summary>[N,H,W]: one channel, no axis for it.</summary>
    None,
}

/// <summary>
/// The image shape a model input wants. A rank-4 input is NCHW when dimension 1 is 1 or 3, else NHWC when
/// dimension 3 is 1 or 3 (NCHW wins the rare tie, [N,3,3,3], as ONNX models are NCHW by convention); a rank-3
/// input [N,H,W] is one-channel images. Height or width may be -1 (dynamic).
/// </summary>
internal sealed record ImageLayout(ChannelAxis Axis, int Channels, long Height, long Width)
{
    public static ImageLayout? FromModel(IReadOnlyList<long> dims)
    {
        if (dims.Count == 4 && dims[1] is 1 or 3)
        {
            return new ImageLayout(ChannelAxis.First, (int)dims[1], dims[2], dims[3]);
        }

        if (dims.Count == 4 && dims[3] is 1 or 3)
        {
            return new ImageLayout(ChannelAxis.Last, (int)dims[3], dims[1], dims[2]);
        }

        return dims.Count == 3 ? new ImageLayout(ChannelAxis.None, 1, dims[1], dims[2]) : null;
    }

    /// <summary>The per-sample shape (no batch axis) of an h×w image in this layout.</summary>
    public long[] ItemShape(int height, int width) => Axis switch
    {
        ChannelAxis.First => [Channels, height, width],
        ChannelAxis.Last => [height, width, Channels],
        _ => [height, width],
    };

    /// <summary>Converts one sample in this layout (shape <paramref name="itemShape"/>) to H×W×C order.</summary>
    public HwcImage ToHwc(float[] item, IReadOnlyList<long> itemShape)
    {
        if (Axis != ChannelAxis.First)
        {
            int h = (int)itemShape[0];
            int w = (int)itemShape[1];
            return new HwcImage(item, h, w, Channels);
        }

        int height = (int)itemShape[1];
        int width = (int)itemShape[2];
        int plane = height * width;
        var hwc = new float[item.Length];
        for (int c = 0; c < Channels; c++)
        {
            for (int p = 0; p < plane; p++)
            {
                hwc[(p * Channels) + c] = item[(c * plane) + p];
            }
        }

        return new HwcImage(hwc, height, width, Channels);
    }
}
