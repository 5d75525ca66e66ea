// One model input's data for a batch: name, shape and float32 values in C order.
namespace Onnxc.Evaluation.Data;

/// <summary>
/// A dense float32 tensor for the input <see cref="Name"/>, shape <see cref="Shape"/> (batch first for images
/// and .npy data), values in row-major order. Each batch gets fresh arrays, so a consumer may keep them.
/// </summary>
public sealed record InputTensor(string Name, long[] Shape, float[] Data);
