// One output of a model run: its name, shape and float values (empty when the output is not float).
namespace Onnxc.Passes.Evaluation;

public sealed record OutputTensor(string Name, long[] Shape, float[] Data);
