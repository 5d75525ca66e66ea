// Small ONNX models built with the generated protobuf classes, valid or broken on purpose, for the driver tests.
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Driver.Tests;

/// <summary>
/// The base model computes Z = Softmax(Relu(X * weight_w) + bias_b, axis=1) for X: FLOAT[N,4]. Nodes are named
/// (mul, relu, add, softmax) so error messages can be checked for the node they point at. Tests take a fresh
/// copy and break one thing in it.
/// </summary>
internal static class TestModels
{
    public static readonly float[] Weight = [0.5f, -1.25f, 2f, 0.75f];

    public static readonly float[] Bias = [0.1f, 0.2f, -0.3f, 0.4f];

    public static ModelProto Valid()
    {
        var graph = new GraphProto { Name = "driver_test" };
        graph.Input.Add(TensorValue("X", TensorProto.Types.DataType.Float, "N", 4));
        graph.Output.Add(TensorValue("Z", TensorProto.Types.DataType.Float, "N", 4));
        graph.Initializer.Add(FloatTensor("weight_w", Weight, 4));
        graph.Initializer.Add(FloatTensor("bias_b", Bias, 4));
        graph.Node.Add(Node("mul", "Mul", ["X", "weight_w"], ["mul_out"]));
        graph.Node.Add(Node("relu", "Relu", ["mul_out"], ["relu_out"]));
        graph.Node.Add(Node("add", "Add", ["relu_out", "bias_b"], ["add_out"]));
        NodeProto softmax = Node("softmax", "Softmax", ["add_out"], ["Z"]);
        softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(softmax);

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "onnxc-driver-tests",
            ProducerVersion = "1.0",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    public static NodeProto Node(string name, string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { Name = name, OpType = op };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        return node;
    }

    /// <summary>A tensor value info; a dim is a number (known) or a string (symbolic).</summary>
    public static ValueInfoProto TensorValue(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
        {
            shape.Dim.Add(d is string p
                ? new TensorShapeProto.Types.Dimension { DimParam = p }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor;
    }

    /// <summary>Makes <paramref name="tensor"/> point at <paramref name="length"/> bytes of an external file.</summary>
    public static void MakeExternal(TensorProto tensor, string location, long offset, long length)
    {
        tensor.ClearRawData();
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    public static string Write(ModelProto model, string path)
    {
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    public static byte[] RawBytes(float[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
