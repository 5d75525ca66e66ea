// The stable text form of the IR, for --print-ir-after, golden tests and bug reports.
using System.Globalization;
using System.Text;

namespace Onnxc.GraphIR.Printing;

/// <summary>
/// Prints the IR as text that depends only on the model: graph order for nodes, inputs, outputs and
/// initializers; attributes sorted by name; no hashing or dictionary order. One node per line:
/// <c>%y:FLOAT[N,16,32,32] = Conv(%x, %w, %b) {kernel_shape=[3,3], pads=[1,1,1,1]}</c>, an omitted optional
/// input or output as <c>_</c>, a named node with <c># name</c> after it, and each subgraph attribute as an
/// indented block below its node. Initializers show type and shape, and their values when they have at most
/// <see cref="MaxShownElements"/> elements.
/// </summary>
public static class IrPrinter
{
    /// <summary>Initializers and tensor attributes with at most this many elements are printed with their values.</summary>
    public const int MaxShownElements = 8;

    /// <summary>The model as stable text: same model, same text, byte for byte.</summary>
    public static string Print(Model model)
    {
        var sb = new StringBuilder();
        sb.Append("ir_version ").Append(model.IrVersion.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("opsets ").Append(string.Join(", ", model.Opsets.Select(o => o.ToString()))).Append('\n');
        if (!string.IsNullOrEmpty(model.ProducerName))
        {
            sb.Append("producer ").Append(Quote(model.ProducerName + (string.IsNullOrEmpty(model.ProducerVersion) ? "" : " " + model.ProducerVersion))).Append('\n');
        }

        AppendGraph(sb, model.Graph, 0, "graph");
        foreach (FunctionDef f in model.Functions)
        {
            string attrs = f.AttributeNames.IsEmpty ? "" : " attributes [" + string.Join(", ", f.AttributeNames) + "]";
            string overload = string.IsNullOrEmpty(f.Overload) ? "" : ":" + f.Overload;
            string opsets = f.Opsets.IsEmpty ? "" : " opsets [" + string.Join(", ", f.Opsets.Select(o => o.ToString())) + "]";
            sb.Append($"function {f.Domain}.{f.Name}{overload}{attrs}{opsets}\n");
            AppendGraph(sb, f.Body, 0, "body");
        }

        return sb.ToString();
    }

    public static string Print(Graph graph)
    {
        var sb = new StringBuilder();
        AppendGraph(sb, graph, 0, "graph");
        return sb.ToString();
    }

    private static void AppendGraph(StringBuilder sb, Graph graph, int indent, string keyword)
    {
        string pad = new(' ', indent);
        sb.Append(pad).Append(keyword).Append(' ').Append(graph.Name).Append(" {\n");
        string inner = new(' ', indent + 2);
        foreach (Value input in graph.Inputs)
        {
            sb.Append(inner).Append("input ").Append(Typed(input)).Append('\n');
        }

        foreach (Value init in graph.Initializers)
        {
            sb.Append(inner).Append("init ").Append(Typed(init));
            if (init.Initializer is { } data)
            {
                sb.Append(Values(data));
            }
            else if (init.SparseInitializer is not null)
            {
                sb.Append(" sparse");
            }

            sb.Append('\n');
        }

        foreach (Node node in graph.Nodes)
        {
            AppendNode(sb, node, indent + 2);
        }

        foreach (Value output in graph.Outputs)
        {
            sb.Append(inner).Append("output ").Append(Typed(output)).Append('\n');
        }

        sb.Append(pad).Append("}\n");
    }

    private static void AppendNode(StringBuilder sb, Node node, int indent)
    {
        sb.Append(' ', indent);
        if (node.Outputs.Count > 0)
        {
            sb.Append(string.Join(", ", node.Outputs.Select(o => o is null ? "_" : Typed(o)))).Append(" = ");
        }

        if (!node.IsDefaultDomain)
        {
            sb.Append(node.Domain).Append('.');
        }

        sb.Append(node.OpType).Append('(').Append(string.Join(", ", node.Inputs.Select(v => v is null ? "_" : v.ToString()))).Append(')');
        var attributes = node.Attributes.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        if (attributes.Count > 0)
        {
            sb.Append(" {").Append(string.Join(", ", attributes.Select(FormatAttribute))).Append('}');
        }

        if (!string.IsNullOrEmpty(node.Name))
        {
            sb.Append("  # ").Append(node.Name);
        }

        sb.Append('\n');
        foreach (NodeAttribute a in attributes)
        {
            if (a.G is not null)
            {
                AppendGraph(sb, a.G, indent + 2, a.Name + ": graph");
            }

            for (int i = 0; i < a.Graphs.Length; i++)
            {
                AppendGraph(sb, a.Graphs[i], indent + 2, $"{a.Name}[{i}]: graph");
            }
        }
    }

    private static string Typed(Value v) => $"{v}:{v.Type?.ToString() ?? "?"}";

    private static string FormatAttribute(NodeAttribute a)
    {
        if (a.RefAttrName is not null)
        {
            return $"{a.Name}=@{a.RefAttrName}";
        }

        return a.Kind switch
        {
            AttributeKind.Float => $"{a.Name}={Number(a.F)}",
            AttributeKind.Int => $"{a.Name}={a.I.ToString(CultureInfo.InvariantCulture)}",
            AttributeKind.String => $"{a.Name}={Quote(a.StringValue)}",
            AttributeKind.Ints => $"{a.Name}=[{string.Join(",", a.Ints.Select(i => i.ToString(CultureInfo.InvariantCulture)))}]",
            AttributeKind.Floats => $"{a.Name}=[{string.Join(",", a.Floats.Select(Number))}]",
            AttributeKind.Strings => $"{a.Name}=[{string.Join(",", a.Strings.Select(s => Quote(s.ToStringUtf8())))}]",
            AttributeKind.Tensor => $"{a.Name}={Tensor(a.T)}",
            AttributeKind.Tensors => $"{a.Name}=[{string.Join(", ", a.Tensors.Select(Tensor))}]",
            AttributeKind.Graph => $"{a.Name}=<graph {a.G?.Name}>",
            AttributeKind.Graphs => $"{a.Name}=[{string.Join(", ", a.Graphs.Select(g => $"<graph {g.Name}>"))}]",
            AttributeKind.TypeProto => $"{a.Name}={a.Tp?.ToString() ?? "?"}",
            AttributeKind.TypeProtos => $"{a.Name}=[{string.Join(", ", a.TypeProtos.Select(t => t.ToString()))}]",
            AttributeKind.SparseTensor or AttributeKind.SparseTensors => $"{a.Name}=<sparse x{Math.Max(1, a.SparseTensors.Length)}>",
            _ => $"{a.Name}=<{a.Kind}>",
        };
    }

    private static string Tensor(TensorData? t) => t is null ? "?" : t.ToString() + Values(t);

    /// <summary>" = {1, 2, 3}" for small tensors whose values can be read, else "" (or " external" for external data).</summary>
    private static string Values(TensorData data)
    {
        if (data.IsExternal)
        {
            return " external";
        }

        if (data.ElementCount > MaxShownElements)
        {
            return "";
        }

        if (data.Storage is StringTensorStorage strings)
        {
            return " = {" + string.Join(", ", strings.Strings.Select(s => Quote(Encoding.UTF8.GetString(s.Span)))) + "}";
        }

        if (data.ElementType.BitsPerElement() < 8 || data.ElementType is ElementType.Complex64 or ElementType.Complex128
            || data.ElementType.IsFloatingPoint() && data.ElementType.BitsPerElement() == 8)
        {
            return "";
        }

        // Integers print exactly (a double would round INT64 extremes such as PyTorch's slice ends).
        IEnumerable<string> text = data.ElementType switch
        {
            ElementType.UInt64 => data.AsSpan<ulong>().ToArray().Select(v => v.ToString(CultureInfo.InvariantCulture)),
            ElementType.Int64 => data.AsSpan<long>().ToArray().Select(v => v.ToString(CultureInfo.InvariantCulture)),
            _ when data.ElementType.IsInteger() || data.ElementType == ElementType.Bool =>
                data.ToInt64s().Select(v => v.ToString(CultureInfo.InvariantCulture)),
            ElementType.Double => data.ToDoubles().Select(Number),
            _ => data.ToDoubles().Select(v => Number((float)v)),
        };
        return " = {" + string.Join(", ", text) + "}";
    }

    private static string Number(float f) => f.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
