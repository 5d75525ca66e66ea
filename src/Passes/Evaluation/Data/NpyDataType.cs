// The .npy element types the sample reader accepts.
namespace Onnxc.Evaluation.Data;

internal enum NpyDataType
{
    UInt8,
    Float32,
    Int64,
}
