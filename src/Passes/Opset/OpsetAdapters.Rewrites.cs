// The adapters: each rewrites one node so the newer operator definition computes what the older one did.
using System.Collections.Immutable;
using Onnxc.GraphIR;

namespace Onnxc.Passes.Opset;

internal static partial class OpsetAdapters
{
    private static string? DropAttributes(Node node, params string[] names)
    {
        string[] dropped = [.. names.Where(n => node.Graph.RemoveAttribute(node, n))];
        return dropped.Length == 0 ? null : "dropped " + string.Join(", ", dropped);
    }

    private static string RenameAttribute(Node node, string from, string to)
    {
        if (node.Attribute(from) is { } a)
        {
            node.Graph.RemoveAttribute(node, from);
            node.Graph.SetAttribute(node, a with { Name = to });
        }

        return $"renamed {from} to {to}";
    }

    private static string SetInt(Node node, string name, long value)
    {
        node.Graph.SetAttribute(node, NodeAttribute.Of(name, value));
        return $"made {name}={value} explicit";
    }

    private static string SetString(Node node, string name, string value)
    {
        node.Graph.SetAttribute(node, NodeAttribute.Of(name, value));
        return $"set {name}=\"{value}\" (the old behaviour)";
    }

    /// <summary>Sets input <paramref name="index"/> to a new initializer, padding skipped optional inputs with empty names.</summary>
    private static void SetConstantInput(Node node, int index, string hint, TensorData data)
    {
        Value constant = node.Graph.AddConstant(hint, data);
        node.Graph.SetInput(node, index, constant);
    }

    private static string? IntsAttributeToInput(Node node, string name, int index)
    {
        if (node.GetInts(name) is not { } values)
        {
            return null;
        }

        SetConstantInput(node, index, $"{node.OpType.ToLowerInvariant()}_{name}", TensorData.FromInt64s([values.Length], values.AsSpan()));
        node.Graph.RemoveAttribute(node, name);
        return $"{name} attribute became input {index}";
    }

    private static string? FloatsAttributeToInput(Node node, string name, int index)
    {
        if (node.GetFloats(name) is not { } values)
        {
            return null;
        }

        SetConstantInput(node, index, $"{node.OpType.ToLowerInvariant()}_{name}", TensorData.FromFloats([values.Length], values.AsSpan()));
        node.Graph.RemoveAttribute(node, name);
        return $"{name} attribute became input {index}";
    }

    private static string IntAttributeToInput(Node node, string name, int index)
    {
        long value = node.GetInt(name, 0);
        SetConstantInput(node, index, $"{node.OpType.ToLowerInvariant()}_{name}", TensorData.FromInt64s([1], [value]));
        node.Graph.RemoveAttribute(node, name);
        return $"{name} attribute became input {index}";
    }

    private static string? LpNormPToInt(Node node)
    {
        if (node.Attribute("p") is { Kind: AttributeKind.Float } p)
        {
            node.Graph.SetAttribute(node, NodeAttribute.Of("p", (long)p.F));
            return "p became an integer";
        }

        return null;
    }

    private static long? CastTarget(string name) => name.ToUpperInvariant() switch
    {
        "FLOAT" => 1, "UINT8" => 2, "INT8" => 3, "UINT16" => 4, "INT16" => 5, "INT32" => 6, "INT64" => 7,
        "STRING" => 8, "BOOL" => 9, "FLOAT16" => 10, "DOUBLE" => 11, "UINT32" => 12, "UINT64" => 13,
        _ => null,
    };

    private static string? CastToInt(Node node)
    {
        if (node.Attribute("to") is { Kind: AttributeKind.String } to)
        {
            node.Graph.SetAttribute(node, NodeAttribute.Of("to", CastTarget(to.StringValue)!.Value));
            return "to became a type number";
        }

        return null;
    }

    /// <summary>
    /// Before opset 7, B broadcast only when broadcast=1, aligned at <c>axis</c> (default: trailing). Numpy rules align
    /// trailing dims, so the node is the same once B gets trailing 1s: done on a constant B, else refused.
    /// </summary>
    private static string? CheckLegacyBroadcast(Node node)
    {
        if (node.GetInt("broadcast", 0) == 0 || node.Attribute("axis") is null)
        {
            return null;
        }

        Value? b = node.Input(1);
        int? rankA = node.Input(0)?.Shape?.Rank;
        return b?.IsConstant == true && rankA is not null ? null : "broadcast with an axis needs a constant B and a known rank of A";
    }

    private static string? DropLegacyBroadcast(Node node)
    {
        if (node.GetInt("broadcast", 0) == 1 && node.Attribute("axis") is not null)
        {
            Value b = node.Input(1)!;
            TensorData data = b.Initializer!;
            int rankA = node.Input(0)!.Shape!.Rank;
            long axis = node.GetInt("axis", 0);
            axis = axis < 0 ? axis + rankA : axis;
            int trailing = (int)(rankA - axis - data.Dims.Length);
            if (trailing > 0)
            {
                long[] dims = [.. data.Dims, .. Enumerable.Repeat(1L, trailing)];
                SetConstantInput(node, 1, b.Name + "_aligned", new TensorData(data.ElementType, [.. dims], data.Storage));
            }
        }

        return DropAttributes(node, "broadcast", "axis");
    }

    private static string CheckTypedScalarAttributesMessage => "its input type must be known to make the scalar inputs";

    private static string? CheckTypedScalarAttributes(Node node) =>
        node.Input(0)?.ElementType is ElementType.Float or ElementType.Double or ElementType.Float16
            || (node.OpType == "Pad" && node.GetFloat("value", 0f) == 0f)
            || (node.OpType == "Clip" && node.Attribute("min") is null && node.Attribute("max") is null)
            ? null
            : CheckTypedScalarAttributesMessage;

    private static TensorData ScalarOf(ElementType type, float value) => type switch
    {
        ElementType.Double => TensorData.FromBytes(ElementType.Double, [], BitConverter.GetBytes((double)value)),
        ElementType.Float16 => TensorData.FromBytes(ElementType.Float16, [], BitConverter.GetBytes((Half)value)),
        _ => TensorData.Scalar(value),
    };

    private static string ClipAttributesToInputs(Node node)
    {
        ElementType type = node.Input(0)!.ElementType;
        if (node.Attribute("min") is { } min)
        {
            SetConstantInput(node, 1, "clip_min", ScalarOf(type, min.F));
        }

        if (node.Attribute("max") is { } max)
        {
            while (node.Inputs.Count < 2)
            {
                node.Graph.SetInput(node, node.Inputs.Count, null);
            }

            SetConstantInput(node, 2, "clip_max", ScalarOf(type, max.F));
        }

        DropAttributes(node, "min", "max");
        return "min/max attributes became inputs";
    }

    private static string PadAttributesToInputs(Node node)
    {
        ImmutableArray<long> pads = node.GetInts("pads") ?? [];
        SetConstantInput(node, 1, "pad_pads", TensorData.FromInt64s([pads.Length], pads.AsSpan()));
        float value = node.GetFloat("value", 0f);
        if (value != 0f)
        {
            SetConstantInput(node, 2, "pad_value", ScalarOf(node.Input(0)!.ElementType, value));
        }

        DropAttributes(node, "pads", "value");
        return "pads/value attributes became inputs";
    }

    private static string SliceAttributesToInputs(Node node)
    {
        ImmutableArray<long> starts = node.GetInts("starts") ?? [];
        ImmutableArray<long> ends = node.GetInts("ends") ?? [];
        SetConstantInput(node, 1, "slice_starts", TensorData.FromInt64s([starts.Length], starts.AsSpan()));
        SetConstantInput(node, 2, "slice_ends", TensorData.FromInt64s([ends.Length], ends.AsSpan()));
        if (node.GetInts("axes") is { } axes)
        {
            SetConstantInput(node, 3, "slice_axes", TensorData.FromInt64s([axes.Length], axes.AsSpan()));
        }

        DropAttributes(node, "starts", "ends", "axes");
        return "starts/ends/axes attributes became inputs";
    }

    private static string? DropoutRatioToInput(Node node)
    {
        if (node.Attribute("ratio") is not { } ratio)
        {
            return null;
        }

        ElementType type = node.Input(0)?.ElementType is ElementType.Double or ElementType.Float16 ? node.Input(0)!.ElementType : ElementType.Float;
        SetConstantInput(node, 1, "dropout_ratio", ScalarOf(type, ratio.F));
        node.Graph.RemoveAttribute(node, "ratio");
        return "ratio attribute became an input";
    }

    /// <summary>Upsample-1 scaled H and W by width_scale/height_scale; Upsample-7 takes a scale per dimension (NCHW).</summary>
    private static string? UpsampleScalesToList(Node node)
    {
        if (node.Attribute("height_scale") is not { } h || node.Attribute("width_scale") is not { } w)
        {
            return null;
        }

        node.Graph.SetAttribute(node, NodeAttribute.Of("scales", 1f, 1f, h.F, w.F));
        DropAttributes(node, "height_scale", "width_scale");
        return "height/width scales became a scales list";
    }

    /// <summary>Upsample-9 is exactly Resize-10 with the same mode and scales.</summary>
    private static string UpsampleToResize(Node node)
    {
        Replace(node, "Resize", node.Inputs, [.. node.Attributes.Where(a => a.Name == "mode")]);
        return "Upsample became Resize";
    }

    /// <summary>
    /// Resize-10 sampled at asymmetric coordinates (x_in = x_out / scale) and rounded nearest neighbours down;
    /// Resize-11 defaults to half-pixel coordinates and takes an roi input before scales.
    /// </summary>
    private static string ResizeV10ToV11(Node node)
    {
        Value? scales = node.Input(1);
        var roi = node.Graph.AddConstant("resize_roi", TensorData.FromFloats([0], []));
        node.Graph.SetInput(node, 1, roi);
        node.Graph.SetInput(node, 2, scales);
        node.Graph.SetAttribute(node, NodeAttribute.Of("coordinate_transformation_mode", "asymmetric"));
        if (node.GetString("mode", "nearest") == "nearest")
        {
            node.Graph.SetAttribute(node, NodeAttribute.Of("nearest_mode", "floor"));
        }

        return "added roi; kept Resize-10's asymmetric coordinates";
    }

    /// <summary>
    /// Softmax before 13 flattened the input to 2-D at <c>axis</c> and normalised each row; from 13 it normalises
    /// along one axis. The two agree when <c>axis</c> is the last dimension; otherwise Flatten → Softmax → Reshape
    /// back to the input's shape computes the old result with the new operators.
    /// </summary>
    private static string SoftmaxToSingleAxis(Node node)
    {
        Value x = node.Input(0)!;
        long axis = node.GetInt("axis", 1);
        int? rank = x.Shape?.Rank;
        if (rank is int r && (axis == r - 1 || axis == -1))
        {
            node.Graph.SetAttribute(node, NodeAttribute.Of("axis", -1L));
            return "axis is the last dimension: made it -1";
        }

        Graph g = node.Graph;
        Node flatten = g.AddNode("Flatten", [x], [g.Model.FreshName(x.Name + "_2d")], [NodeAttribute.Of("axis", axis)], before: node);
        Node shape = g.AddNode("Shape", [x], [g.Model.FreshName(x.Name + "_shape")], before: node);
        Node softmax = g.AddNode(node.OpType, [flatten.Outputs[0]], [g.Model.FreshName(node.Outputs[0]!.Name + "_2d")], [NodeAttribute.Of("axis", 1L)], before: node);
        Replace(node, "Reshape", [softmax.Outputs[0], shape.Outputs[0]], []);
        return "flatten, normalise rows, reshape back";
    }

    private static string? GridSampleModeNames(Node node)
    {
        string mode = node.GetString("mode", "bilinear");
        string? renamed = mode switch { "bilinear" => "linear", "bicubic" => "cubic", _ => null };
        if (renamed is null)
        {
            return null;
        }

        node.Graph.SetAttribute(node, NodeAttribute.Of("mode", renamed));
        return $"mode {mode} is now called {renamed}";
    }

    /// <summary>DFT-17's axis attribute (default 1) became DFT-20's third input (whose default is -2).</summary>
    private static string DftAxisToInput(Node node)
    {
        long axis = node.GetInt("axis", 1);
        while (node.Inputs.Count < 2)
        {
            node.Graph.SetInput(node, node.Inputs.Count, null);
        }

        SetConstantInput(node, 2, "dft_axis", TensorData.FromInt64s([], [axis]));
        node.Graph.RemoveAttribute(node, "axis");
        return "axis attribute became input 2";
    }

    private static string? CheckGroupNormParameters(Node node)
    {
        long? channels = node.Input(0)?.Shape is { Rank: >= 2 } s ? s[1].Value : null;
        return node.Input(1)?.IsConstant == true && node.Input(2)?.IsConstant == true && channels is not null
            ? null
            : "per-group scale and bias can only be widened to per-channel when they are constants and the channel count is known";
    }

    /// <summary>GroupNormalization-18 took scale and bias per group; 21 takes them per channel: each group value repeats C/G times.</summary>
    private static string GroupNormPerChannel(Node node)
    {
        long channels = node.Input(0)!.Shape![1].Value!.Value;
        long groups = node.GetInt("num_groups", 1);
        for (int i = 1; i <= 2; i++)
        {
            TensorData perGroup = node.Input(i)!.Initializer!;
            double[] values = perGroup.ToDoubles();
            float[] perChannel = new float[channels];
            for (long c = 0; c < channels; c++)
            {
                perChannel[c] = (float)values[c / (channels / groups)];
            }

            TensorData data = perGroup.ElementType == ElementType.Float
                ? TensorData.FromFloats([channels], perChannel)
                : TensorData.FromBytes(ElementType.Float16, [channels], perChannel.SelectMany(f => BitConverter.GetBytes((Half)f)).ToArray());
            SetConstantInput(node, i, i == 1 ? "gn_scale" : "gn_bias", data);
        }

        return "scale and bias widened from per-group to per-channel";
    }

    /// <summary>
    /// Replaces <paramref name="node"/> by a new node of <paramref name="opType"/> defining values of the same names,
    /// so readers and graph outputs are untouched.
    /// </summary>
    private static string Replace(Node node, string opType, IReadOnlyList<Value?> inputs, IEnumerable<NodeAttribute> attributes)
    {
        Graph g = node.Graph;
        string?[] names = [.. node.Outputs.Select(o => o is null ? null : g.Model.FreshName(o.Name + "_new"))];
        Node replacement = g.AddNode(opType, [.. inputs], names, attributes, node.Domain, node.Name, before: node);
        var pairs = node.Outputs.Zip(replacement.Outputs).Where(p => p.First is not null).ToList();
        string[] oldNames = [.. pairs.Select(p => p.First!.Name)];
        foreach ((Value? old, Value? fresh) in pairs)
        {
            Graph.SetType(fresh!, old!.Type);
            g.ReplaceAllUsesWith(old, fresh!);
        }

        g.RemoveNode(node);
        for (int i = 0; i < pairs.Count; i++)
        {
            if (g.FindValue(oldNames[i]) is null)
            {
                g.Rename(pairs[i].Second!, oldNames[i]);
            }
        }

        return $"became {opType}";
    }
}
