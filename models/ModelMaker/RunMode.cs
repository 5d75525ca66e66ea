// Whether a forward pass trains (batch statistics, keep what backward needs) or evaluates (running statistics).
namespace Onnxc.ModelMaker;

internal enum RunMode
{
    Train,
    Eval,
}
