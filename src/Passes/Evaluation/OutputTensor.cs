// One output of a model run: its name, shape and values as float32 (8-bit integers converted; empty for other non-float types).
namespace Onnxc.Evaluation;

public sealed record OutputTensor(string Name, long[] Shape, float[] Data);
