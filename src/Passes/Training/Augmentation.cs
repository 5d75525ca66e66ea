// Standard image augmentation for training batches: random crop with zero padding and horizontal flip.
using Onnxc.Evaluation.Data;

namespace Onnxc.Passes.Training;

/// <summary>
/// Per sample, with the run's seeded generator: shift the image by (dy, dx), each uniform in [−P, P], filling
/// with 0 what comes from outside (a crop of the image padded by P, as in the usual CIFAR recipe), then mirror it
/// left-right with probability ½. It works on the preprocessed batch in the model's layout, so the padding is 0
/// after normalization (the data set's mean colour) rather than black.
/// </summary>
public sealed record Augmentation(int CropPadding, bool HorizontalFlip)
{
    public static Augmentation None { get; } = new(0, false);

    public bool IsNone => CropPadding == 0 && !HorizontalFlip;

    /// <summary>Augments <paramref name="batch"/> (shape [N, …] of an image input) in place.</summary>
    public void Apply(InputTensor batch, Random rng)
    {
        if (IsNone)
        {
            return;
        }

        ImageLayout layout = ImageLayout.FromModel(batch.Shape)
            ?? throw new TrainingException($"augmentation needs an image input; '{batch.Name}' is [{string.Join(",", batch.Shape)}]");
        int n = (int)batch.Shape[0];
        (int c, int h, int w) = layout.Axis switch
        {
            ChannelAxis.First => ((int)batch.Shape[1], (int)batch.Shape[2], (int)batch.Shape[3]),
            ChannelAxis.Last => ((int)batch.Shape[3], (int)batch.Shape[1], (int)batch.Shape[2]),
            _ => (1, (int)batch.Shape[1], (int)batch.Shape[2]),
        };
        int item = c * h * w;
        var source = new float[item];
        for (int s = 0; s < n; s++)
        {
            int dy = CropPadding > 0 ? rng.Next(-CropPadding, CropPadding + 1) : 0;
            int dx = CropPadding > 0 ? rng.Next(-CropPadding, CropPadding + 1) : 0;
            bool flip = HorizontalFlip && rng.Next(2) == 1;
            Span<float> sample = batch.Data.AsSpan(s * item, item);
            sample.CopyTo(source);
            for (int y = 0; y < h; y++)
            {
                int sy = y + dy;
                for (int x = 0; x < w; x++)
                {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    bool inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                    for (int ch = 0; ch < c; ch++)
                    {
                        sample[Index(layout.Axis, c, h, w, ch, y, x)] = inside ? source[Index(layout.Axis, c, h, w, ch, sy, sx)] : 0f;
                    }
                }
            }
        }
    }

    private static int Index(ChannelAxis axis, int c, int h, int w, int ch, int y, int x) =>
        axis == ChannelAxis.Last ? (((y * w) + x) * c) + ch : (((ch * h) + y) * w) + x;
}
