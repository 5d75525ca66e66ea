// A model or request structured pruning cannot serve: nothing prunable, a bad ratio, an --exclude that names nothing.
namespace Onnxc.Passes.Pruning;

/// <summary>A one-line reason pruning refused its input; the driver reports it with the model's file name (exit 2).</summary>
public sealed class PruningException(string message) : Exception(message);
