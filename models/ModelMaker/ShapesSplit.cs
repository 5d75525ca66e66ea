// One split of the synthetic shapes data set: uint8 images and int64 labels, generated from a seed.
namespace Onnxc.ModelMaker;

/// <summary>
/// Images are row-major [Count, Size, Size] grayscale bytes; labels are <see cref="ShapeKind"/> values. Classes are
/// balanced (Count / 10 each, the first Count % 10 classes one more) and shuffled with the split's seed; image i is
/// drawn from <see cref="DetRandom.ForItem"/>(seed, i) alone.
/// </summary>
internal sealed class ShapesSplit
{
    private ShapesSplit(int count, int size, byte[] images, long[] labels)
    {
        Count = count;
        Size = size;
        Images = images;
        Labels = labels;
    }

    public int Count { get; }

    public int Size { get; }

    public byte[] Images { get; }

    public long[] Labels { get; }

    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * Size * Size, Size * Size);

    public static ShapesSplit Generate(ulong seed, int count, int size)
    {
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % ShapeRenderer.ClassCount;
        }

        // Fisher-Yates with the split's own stream, so the class sequence has no period.
        var order = new DetRandom(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = order.NextInt(i + 1);
            (labels[i], labels[j]) = (labels[j], labels[i]);
        }

        var images = new byte[count * size * size];
        for (int i = 0; i < count; i++)
        {
            ShapeRenderer.Render((ShapeKind)labels[i], DetRandom.ForItem(seed, i), size,
                images.AsSpan(i * size * size, size * size));
        }

        return new ShapesSplit(count, size, images, labels);
    }
}
