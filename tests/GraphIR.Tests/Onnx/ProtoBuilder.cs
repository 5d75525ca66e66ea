// Builds small ModelProto messages for importer and exporter tests.
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.GraphIR.Tests.Onnx;

internal static class ProtoBuilder
{
    public static ValueInfoProto Tensor(string name, int elemType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } },
        };
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, string? name = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op };
        if (name is not null)
        {
            node.Name = name;
        }

        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static TensorProto RawTensor(string name, int dataType, long[] dims, byte[] raw)
    {
        var t = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(raw) };
        t.Dims.AddRange(dims);
        return t;
    }

    /// <summary>y = Relu(x) over FLOAT [2,3], opset 13, with optional extra initializers.</summary>
    public static ModelProto ReluModel(params TensorProto[] initializers)
    {
        var graph = new GraphProto { Name = "g" };
        graph.Input.Add(Tensor("x", 1, 2, 3));
        graph.Output.Add(Tensor("y", 1, 2, 3));
        graph.Node.Add(Node("Relu", ["x"], ["y"], "relu"));
        graph.Initializer.AddRange(initializers);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    public static string Write(TestSupport.TempDir dir, string fileName, ModelProto model)
    {
        string path = dir.File(fileName);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
