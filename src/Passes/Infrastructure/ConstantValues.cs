// Which initializers hold fixed data: the one notion of "constant" every pass and guard uses.
namespace Onnxc.Passes;

/// <summary>
/// An initializer is fixed unless a graph input of the same name can override it at run time. From IR version 4
/// on, listing an initializer among the graph inputs makes it overridable. Before that, exporters listed every
/// initializer as an input by convention, and ONNX Runtime treats such models' initializers as constants
/// (it allows overriding only from IR 4), so the passes do too.
/// </summary>
public static class ConstantValues
{
    public static bool IsFixed(Value? value) =>
        value?.Initializer is not null && (!value.IsGraphInput || value.Graph.Model.IrVersion < 4);

    /// <summary>The data of a fixed initializer, else null.</summary>
    public static TensorData? TryGet(Value? value) => IsFixed(value) ? value!.Initializer : null;

    /// <summary>Integer data (INT64/INT32) of a fixed initializer, else null.</summary>
    public static long[]? TryGetInts(Value? value) =>
        TryGet(value) is { ElementType: ElementType.Int64 or ElementType.Int32 } t ? t.ToInt64s() : null;

    /// <summary>Whether an unused initializer may be deleted: it is no overridable graph input (part of the interface).</summary>
    public static bool IsRemovable(Value value) =>
        value.Initializer is not null && value.Uses.Count == 0 && !value.IsGraphOutput && (!value.IsGraphInput || value.Graph.Model.IrVersion < 4);
}
