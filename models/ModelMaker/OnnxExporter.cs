// Writes a trained ShapesCnn as an ONNX model (opset 13, IR version 7) with the generated protobuf classes.
using System.Buffers.Binary;
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.ModelMaker;

/// <summary>
/// The graph is the training graph node for node; BatchNormalization stays a separate node (with the running
/// statistics as its mean and var) so the compiler's fusion passes have something to fuse. Conv has no bias input,
/// as in exported PyTorch models where a BatchNorm follows. Weights are little-endian float32 raw_data.
/// Protobuf serialisation of these messages (no maps) is deterministic, so the file's bytes are too.
/// </summary>
internal static class OnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "logits";
    public const string BatchDim = "N";

    public static ModelProto Build(ShapesCnn model)
    {
        var graph = new GraphProto { Name = "shapes_cnn" };
        graph.Input.Add(Value(InputName, 1, ShapesCnn.ImageSize, ShapesCnn.ImageSize));
        graph.Output.Add(Value(OutputName, ShapesCnn.Classes));

        AddConvBlock(graph, model.Conv1, model.Bn1, "1", InputName);
        AddConvBlock(graph, model.Conv2, model.Bn2, "2", "pool1_out");
        graph.Node.Add(Node("Flatten", "flatten", ["pool2_out"], "flatten_out", IntAttribute("axis", 1)));
        AddGemm(graph, model.Fc1, "fc1", "flatten_out", "fc1_out");
        graph.Node.Add(Node("Relu", "relu3", ["fc1_out"], "relu3_out"));
        AddGemm(graph, model.Fc2, "fc2", "relu3_out", OutputName);

        var proto = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "onnxc-modelmaker",
            ProducerVersion = "1",
            ModelVersion = 1,
            DocString = "Shapes CNN made and trained by models/ModelMaker; see models/README.md for its provenance.",
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return proto;
    }

    public static void Write(ShapesCnn model, string path)
    {
        using var stream = File.Create(path);
        Build(model).WriteTo(stream);
    }

    private static void AddConvBlock(GraphProto graph, Conv3x3 conv, BatchNorm2d bn, string index, string input)
    {
        graph.Initializer.Add(Tensor(conv.Weight.Name, conv.Weight.Value, conv.Weight.Shape));
        graph.Node.Add(Node("Conv", "conv" + index, [input, conv.Weight.Name], $"conv{index}_out",
            IntsAttribute("kernel_shape", 3, 3), IntsAttribute("pads", 1, 1, 1, 1), IntsAttribute("strides", 1, 1)));

        string prefix = "bn" + index;
        int channels = bn.RunningMean.Length;
        graph.Initializer.Add(Tensor(bn.Scale.Name, bn.Scale.Value, channels));
        graph.Initializer.Add(Tensor(bn.Bias.Name, bn.Bias.Value, channels));
        graph.Initializer.Add(Tensor(prefix + ".mean", bn.RunningMean, channels));
        graph.Initializer.Add(Tensor(prefix + ".var", bn.RunningVar, channels));
        graph.Node.Add(Node("BatchNormalization", prefix,
            [$"conv{index}_out", bn.Scale.Name, bn.Bias.Name, prefix + ".mean", prefix + ".var"], prefix + "_out",
            FloatAttribute("epsilon", BatchNorm2d.Epsilon)));

        graph.Node.Add(Node("Relu", "relu" + index, [prefix + "_out"], $"relu{index}_out"));
        graph.Node.Add(Node("MaxPool", "pool" + index, [$"relu{index}_out"], $"pool{index}_out",
            IntsAttribute("kernel_shape", 2, 2), IntsAttribute("strides", 2, 2)));
    }

    private static void AddGemm(GraphProto graph, Dense dense, string name, string input, string output)
    {
        graph.Initializer.Add(Tensor(dense.Weight.Name, dense.Weight.Value, dense.Weight.Shape));
        graph.Initializer.Add(Tensor(dense.Bias.Name, dense.Bias.Value, dense.Bias.Shape));
        graph.Node.Add(Node("Gemm", name, [input, dense.Weight.Name, dense.Bias.Name], output,
            IntAttribute("transB", 1)));
    }

    /// <summary>A float tensor value [N, dims...] with the symbolic batch dimension N.</summary>
    private static ValueInfoProto Value(string name, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDim });
        foreach (int dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    private static TensorProto Tensor(string name, float[] values, params int[] dims)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(bytes),
        };
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        return tensor;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
