// One use of a value: the node that reads it and at which input position.
namespace Onnxc.GraphIR;

public readonly record struct Use(Node Node, int InputIndex);
