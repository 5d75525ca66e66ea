// The ten classes of the synthetic shapes data set; the enum value is the class label.
namespace Onnxc.ModelMaker;

/// <summary>
/// Chosen so that no two classes can turn into each other under the random rotation, scale and stroke the renderer
/// applies (for instance there is a "plus" but no "x", since a rotated plus is an x).
/// </summary>
internal enum ShapeKind
{
    Disk = 0,
    Ring = 1,
    SquareOutline = 2,
    Triangle = 3,
    Plus = 4,
    Line = 5,
    ParallelLines = 6,
    Star = 7,
    Bullseye = 8,
    TwoDots = 9,
}
