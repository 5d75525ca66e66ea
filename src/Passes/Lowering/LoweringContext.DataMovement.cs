// Ops that only move values (Reshape, Transpose, Slice, Pad, ...): the same strided copies on bytes or floats.
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering;

internal sealed partial class LoweringContext
{
    /// <summary>
    /// Lowers a data-movement node reading <paramref name="input"/> (8-bit or float); the output keeps the
    /// input's element type and quantization. Works in logical order, converting NHWC inputs first.
    /// </summary>
    public PlanTensor MoveData(Node node, PlanTensor input, string outputName)
    {
        string source = node.Describe();
        if (node.OpType is "Identity" or "Dropout")
        {
            return input;
        }

        var x = Plan.InLayout(input, PlanLayout.Logical, source);
        int[] s = x.Shape;
        switch (node.OpType)
        {
            case "Reshape":
            {
                var target = Constant(node.Input(1)!) ?? throw new NotSupportedException($"cannot lower {source}: the target shape is not constant");
                return CopyAs(source, x, outputName, LoweringGeometry.ReshapeTarget(node, s, target.ToInt64s()), "reshape");
            }

            case "Flatten":
            {
                int axis = (int)node.GetInt("axis", 1);
                axis = axis < 0 ? axis + s.Length : axis;
                int outer = s.Take(axis).Aggregate(1, (a, d) => a * d);
                return CopyAs(source, x, outputName, [outer, checked((int)(x.ElementCount / outer))], "flatten");
            }

            case "Squeeze":
            {
                int[] axes = AxesOf(node, 1, s.Length);
                int[] shape = s.Where((d, i) => axes.Length == 0 ? d != 1 : !axes.Contains(i)).ToArray();
                return CopyAs(source, x, outputName, shape.Length == 0 ? [1] : shape, "squeeze");
            }

            case "Unsqueeze":
            {
                long[] rawAxes = node.GetInts("axes")?.ToArray() ?? ConstInts(node, 1) ?? [];
                int rank = s.Length + rawAxes.Length;
                var axes = rawAxes.Select(a => (int)(a < 0 ? a + rank : a)).ToHashSet();
                var shape = new List<int>();
                int j = 0;
                for (int i = 0; i < rank; i++)
                {
                    shape.Add(axes.Contains(i) ? 1 : s[j++]);
                }

                return CopyAs(source, x, outputName, [.. shape], "unsqueeze");
            }

            case "Transpose":
            {
                int[] perm = node.GetInts("perm") is { } p ? p.Select(v => (int)v).ToArray() : Enumerable.Range(0, s.Length).Reverse().ToArray();
                var output = Plan.NewLike(x, outputName, perm.Select(i => s[i]).ToArray());
                Plan.Add(PlanBuilder.Transpose(source, x, output, perm, "transpose"));
                return output;
            }

            case "Slice":
                return Slice(node, x, outputName);
            case "Pad":
                return Pad(node, x, outputName);
            default:
                throw new NotSupportedException($"cannot lower {source}: {node.OpType} is not a data-movement op");
        }
    }

    private PlanTensor CopyAs(string source, PlanTensor x, string name, int[] shape, string operation)
    {
        var output = Plan.NewLike(x, name, shape, PlanLayout.Logical);
        Plan.Add(PlanBuilder.Copy(source, x, output, operation));
        return output;
    }

    private PlanTensor Slice(Node node, PlanTensor x, string name)
    {
        int[] s = x.Shape;
        var (start, step, size) = SliceBounds(node, s);
        var output = Plan.NewLike(x, name, size);
        var args = StridedCopyArgs.Create(size, start, step, s, StridedCopyArgs.RowMajorStrides(s), StridedCopyArgs.RowMajorStrides(size), 0);
        Plan.Add(new StridedCopyStep(node.Describe(), "slice", [x.Id], output.Id, [args], PlanBuilder.PadValue(output), output.ElementType != PlanElementType.Float32));
        return output;
    }

    /// <summary>Per-dimension start, step and output size of a Slice on <paramref name="s"/> (ONNX clamping rules).</summary>
    private (int[] Start, int[] Step, int[] Size) SliceBounds(Node node, int[] s)
    {
        long[] starts, ends;
        long[]? axes, steps = null;
        if (Opset < 10)
        {
            starts = node.GetInts("starts")!.Value.ToArray();
            ends = node.GetInts("ends")!.Value.ToArray();
            axes = node.GetInts("axes")?.ToArray();
        }
        else
        {
            starts = ConstInts(node, 1)!;
            ends = ConstInts(node, 2)!;
            axes = ConstInts(node, 3);
            steps = ConstInts(node, 4);
        }

        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        int[] start = new int[s.Length];
        int[] step = Enumerable.Repeat(1, s.Length).ToArray();
        int[] size = (int[])s.Clone();
        for (int i = 0; i < axes.Length; i++)
        {
            int a = (int)(axes[i] < 0 ? axes[i] + s.Length : axes[i]);
            long dim = s[a];
            long st = steps[i];
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0)
            {
                b = Math.Clamp(b, 0, dim);
                e = Math.Clamp(e, 0, dim);
            }
            else
            {
                b = Math.Clamp(b, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
            }

            long count = st > 0 ? Math.Max(0, (e - b + st - 1) / st) : Math.Max(0, (b - e + (-st) - 1) / -st);
            if (count == 0)
            {
                throw new NotSupportedException($"cannot lower {node.Describe()}: the slice is empty");
            }

            start[a] = (int)b;
            step[a] = (int)st;
            size[a] = (int)count;
        }

        return (start, step, size);
    }

    private PlanTensor Pad(Node node, PlanTensor x, string name)
    {
        int[] s = x.Shape;
        if (node.GetString("mode", "constant") != "constant")
        {
            throw new NotSupportedException($"cannot lower {node.Describe()}: only constant padding is supported");
        }

        long[] pads = Opset < 11 ? node.GetInts("pads")!.Value.ToArray() : ConstInts(node, 1)!;
        float value = Opset < 11 ? node.GetFloat("value", 0f) : node.Input(2) is { } v ? (Constant(v)?.ToFloats()[0] ?? 0f) : 0f;
        long[]? axes = Opset >= 18 ? ConstInts(node, 3) : null;
        var full = new long[2 * s.Length];
        if (axes is null)
        {
            Array.Copy(pads, full, pads.Length);
        }
        else
        {
            for (int i = 0; i < axes.Length; i++)
            {
                int a = (int)(axes[i] < 0 ? axes[i] + s.Length : axes[i]);
                full[a] = pads[i];
                full[a + s.Length] = pads[i + axes.Length];
            }
        }

        int[] size = s.Select((d, i) => checked((int)(d + full[i] + full[i + s.Length]))).ToArray();
        int[] start = s.Select((_, i) => checked((int)-full[i])).ToArray();
        var output = Plan.NewLike(x, name, size);
        float pad = output.Quant is { } q ? q.Type.Encode(q.Quantize(value)) : value;
        var args = StridedCopyArgs.Create(size, start, Enumerable.Repeat(1, s.Length).ToArray(), s, StridedCopyArgs.RowMajorStrides(s), StridedCopyArgs.RowMajorStrides(size), 0);
        Plan.Add(new StridedCopyStep(node.Describe(), "pad", [x.Id], output.Id, [args], pad, output.ElementType != PlanElementType.Float32));
        return output;
    }

    /// <summary>Normalized axes from an attribute (old opsets) or a constant input (opset 13+).</summary>
    private int[] AxesOf(Node node, int inputIndex, int rank)
    {
        long[]? axes = node.GetInts("axes")?.ToArray();
        if (axes is null && node.Input(inputIndex) is { } a)
        {
            axes = (Constant(a) ?? throw new NotSupportedException($"cannot lower {node.Describe()}: axes are not constant")).ToInt64s();
        }

        return (axes ?? []).Select(x => (int)(x < 0 ? x + rank : x)).ToArray();
    }
}
