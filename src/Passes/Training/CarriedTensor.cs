// A tensor the training graph reads as an input and writes back as an output, step after step.
namespace Onnxc.Passes.Training;

/// <summary>
/// One tensor that survives between steps: the step reads <see cref="Input"/> and produces <see cref="Output"/>,
/// which becomes the next step's input. Parameters and buffers are named like the forward model's initializer
/// they replace, so an evaluation session of the forward graph can read the same buffers.
/// </summary>
public sealed record CarriedTensor(string Input, string Output, CarriedKind Kind, TensorData Initial);
