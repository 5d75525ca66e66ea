// An image as float pixels in height × width × channel order, the form the preprocessing steps work on.
namespace Onnxc.Evaluation.Data;

internal sealed record HwcImage(float[] Pixels, int Height, int Width, int Channels)
{
    public static HwcImage FromBytes(ReadOnlySpan<byte> pixels, int height, int width, int channels)
    {
        var values = new float[pixels.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = pixels[i];
        }

        return new HwcImage(values, height, width, channels);
    }
}
