// Which channel order the model wants for 3-channel images.
namespace Onnxc.Evaluation.Data;

/// <summary>Images are decoded as RGB; <see cref="Bgr"/> reverses the three channels (Caffe-trained models).</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}
