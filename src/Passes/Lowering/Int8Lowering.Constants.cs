// Compile-time evaluation of shape arithmetic (Shape, Gather, Concat, Cast, ...) on constants.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Evaluation;

namespace Onnxc.Passes.Lowering;

public sealed partial class Int8Lowering
{
    private const long MaxFoldedElements = 1 << 20;

    /// <summary>
    /// Plans have static shapes, so Shape of any value is a constant, and small ops whose inputs are all
    /// constants (the shape subgraphs exporters emit) are evaluated here instead of becoming kernels.
    /// Returns false when the node is not such a case.
    /// </summary>
    private bool TryFoldConstant(Node node)
    {
        if (node.OpType == "Shape")
        {
            long[] dims = ShapeOf(node.Input(0)!).Select(d => (long)d).ToArray();
            int rank = dims.Length;
            int start = (int)node.GetInt("start", 0);
            int end = (int)node.GetInt("end", rank);
            start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
            end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
            long[] slice = dims[start..Math.Max(start, end)];
            _values[node.Outputs[0]!] = new ConstantValue(TensorData.FromInt64s([slice.Length], slice));
            return true;
        }

        var inputs = new List<TensorData?>();
        foreach (var v in node.Inputs)
        {
            if (v is null)
            {
                inputs.Add(null);
                continue;
            }

            if (Lookup(v) is not ConstantValue c)
                return false;
            inputs.Add(c.Data);
        }

        if (inputs.Count == 0 || node.Outputs.Count != 1 || FoldConstant(node, inputs) is not { } result)
            return false;
        _values[node.Outputs[0]!] = new ConstantValue(result);
        return true;
    }

    /// <summary>
    /// The node's value by <see cref="ConstantEvaluator"/>, the evaluator -O 1's constant folding uses (exact, as ONNX
    /// Runtime computes it); null when it cannot evaluate the node exactly, or the result is too big to be a plan
    /// constant rather than a kernel's output.
    /// </summary>
    private static TensorData? FoldConstant(Node node, List<TensorData?> inputs)
    {
        if (!node.IsDefaultDomain || !ConstantEvaluator.Supports(node.OpType))
            return null;
        try
        {
            TensorData result = ConstantEvaluator.Evaluate(node, inputs)[0];
            return result.ElementCount <= MaxFoldedElements ? result : null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}
