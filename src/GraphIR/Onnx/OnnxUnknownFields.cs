// Carries fields our schema does not know from an ONNX message into the IR and back.
using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf;

namespace Onnxc.GraphIR.Onnx;

/// <summary>
/// Google.Protobuf keeps fields it does not know in a private unknown-field set on each message. The importer
/// serializes that set into the IR (bytes), and the exporter merges those bytes back into the new message, where
/// they become unknown fields again: a newer ONNX field survives a round trip through onnxc untouched.
/// </summary>
internal static class OnnxUnknownFields
{
    private static readonly ConcurrentDictionary<Type, FieldInfo?> s_fields = new();

    /// <summary>The unknown fields of <paramref name="message"/>, serialized; empty when there are none.</summary>
    public static ReadOnlyMemory<byte> Extract(IMessage message)
    {
        FieldInfo? field = s_fields.GetOrAdd(message.GetType(), t => t.GetField("_unknownFields", BindingFlags.Instance | BindingFlags.NonPublic));
        if (field is null)
        {
            return ExtractByClearing(message);
        }

        if (field.GetValue(message) is not UnknownFieldSet set)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer, leaveOpen: true);
        set.WriteTo(output);
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>Adds serialized unknown fields back to <paramref name="message"/>.</summary>
    public static void Restore(IMessage message, ReadOnlyMemory<byte> unknown)
    {
        if (!unknown.IsEmpty)
        {
            message.MergeFrom(unknown.Span);
        }
    }

    /// <summary>Fallback: a clone with every known field cleared serializes to just the unknown ones.</summary>
    private static ReadOnlyMemory<byte> ExtractByClearing(IMessage message)
    {
        IMessage clone = message.Descriptor.Parser.ParseFrom(message.ToByteString());
        foreach (Google.Protobuf.Reflection.FieldDescriptor fd in clone.Descriptor.Fields.InDeclarationOrder())
        {
            fd.Accessor.Clear(clone);
        }

        return clone.ToByteArray();
    }
}
