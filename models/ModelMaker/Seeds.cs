// The fixed seeds behind every file in models/; models/README.md lists the same numbers.
namespace Onnxc.ModelMaker;

/// <summary>
/// One seed per split, all different, so the calibration and test images come from disjoint random streams and
/// neither overlaps the training images. Changing any of these changes the shipped files.
/// </summary>
internal static class Seeds
{
    public const ulong Train = 0x5EED0001;
    public const ulong Calibration = 0x5EED0002;
    public const ulong Test = 0x5EED0003;

    /// <summary>Weight initialisation and the order of training batches.</summary>
    public const ulong Training = 0x5EED0004;

    /// <summary><see cref="Training"/> as the int seed the training pass takes (shuffling and weight draws).</summary>
    public const int TrainingSeed = unchecked((int)Training);
}
