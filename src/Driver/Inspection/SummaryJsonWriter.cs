// Prints a ModelSummary as JSON whose keys, order and formatting are fixed, so scripts and diffs can rely on it.
using System.Text.Encodings.Web;
using System.Text.Json;
using Onnxc.GraphIR;

namespace Onnxc.Driver.Inspection;

/// <summary>
/// Written member by member with <see cref="Utf8JsonWriter"/> rather than serialized from the record, so the
/// schema is visible here and does not move when a property is renamed. Dims are numbers when known, strings when
/// symbolic, null when unknown. Bump <see cref="SchemaVersion"/> on any change that could break a reader.
/// </summary>
internal static class SummaryJsonWriter
{
    public const int SchemaVersion = 3;

    public static void Write(ModelSummary s, TextWriter output)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var w = new Utf8JsonWriter(buffer, options))
        {
            WriteSummary(w, s);
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteSummary(Utf8JsonWriter w, ModelSummary s)
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        w.WriteString("file", s.FilePath);
        w.WriteNumber("fileBytes", s.FileBytes);
        w.WriteStartArray("externalData");
        foreach (ModelSummary.ExternalFile f in s.ExternalDataFiles)
        {
            w.WriteStartObject();
            w.WriteString("location", f.Location);
            w.WriteNumber("bytes", f.Bytes);
            w.WriteNumber("tensors", f.Tensors);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("irVersion", s.IrVersion);
        w.WriteStartArray("opsets");
        foreach (OpsetImport o in s.Opsets)
        {
            w.WriteStartObject();
            w.WriteString("domain", o.IsDefaultDomain ? "ai.onnx" : o.Domain);
            w.WriteNumber("version", o.Version);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("producer");
        WriteStringOrNull(w, "name", s.ProducerName);
        WriteStringOrNull(w, "version", s.ProducerVersion);
        w.WriteEndObject();
        WriteValues(w, "inputs", s.Inputs);
        WriteValues(w, "outputs", s.Outputs);
        w.WriteNumber("nodes", s.NodeCount);
        w.WriteStartObject("ops");
        foreach (ModelSummary.OpCount c in s.Ops)
        {
            w.WriteNumber(c.Op, c.Count);
        }

        w.WriteEndObject();
        w.WriteStartObject("initializers");
        w.WriteNumber("tensors", s.InitializerCount);
        w.WriteNumber("sparseTensors", s.SparseInitializerCount);
        w.WriteNumber("parameters", s.ParameterCount);
        w.WriteNumber("zeroFloatParameters", s.ZeroFloatParameters);
        w.WriteNumber("bytes", s.InitializerBytes);
        w.WriteStartObject("byElementType");
        foreach (ModelSummary.ElementTypeTotals t in s.ByElementType)
        {
            w.WriteStartObject(t.ElementType.OnnxName());
            w.WriteNumber("tensors", t.Tensors);
            w.WriteNumber("parameters", t.Parameters);
            w.WriteNumber("bytes", t.Bytes);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("macs");
        w.WriteNumber("total", s.Macs.Total);
        w.WriteStartObject("perOpType");
        foreach ((string op, long macs) in s.Macs.PerOpType)
        {
            w.WriteNumber(op, macs);
        }

        w.WriteEndObject();
        w.WriteStartArray("uncountedNodes");
        foreach (string node in s.Macs.Unknown)
        {
            w.WriteStringValue(node);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter w, string name, IReadOnlyList<ValueSummary> values)
    {
        w.WriteStartArray(name);
        foreach (ValueSummary v in values)
        {
            w.WriteStartObject();
            w.WriteString("name", v.Name);
            w.WriteString("type", v.Type);
            WriteStringOrNull(w, "elementType", v.ElementType?.OnnxName());
            if (v.Dims is null)
            {
                w.WriteNull("shape");
            }
            else
            {
                w.WriteStartArray("shape");
                foreach (Dim d in v.Dims)
                {
                    if (d.Value is long known)
                    {
                        w.WriteNumberValue(known);
                    }
                    else if (d.Param is not null)
                    {
                        w.WriteStringValue(d.Param);
                    }
                    else
                    {
                        w.WriteNullValue();
                    }
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
