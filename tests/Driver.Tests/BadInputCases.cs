// The catalogue of bad inputs onnxc must reject with one clear line and exit 2: each is written here byte by byte.
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Driver.Tests;

internal static class BadInputCases
{
    public static readonly BadInputCase[] All =
    [
        new("nonexistent-path", f => f.ModelPath("missing.onnx"), ["no such file"], []),

        new("directory", f =>
        {
            string dir = f.ModelPath("folder.onnx");
            Directory.CreateDirectory(dir);
            return dir;
        }, ["directory"], []),

        new("empty-file", f =>
        {
            string path = f.ModelPath();
            File.WriteAllBytes(path, []);
            return path;
        }, [], []),

        // Text, whose first byte ('t' = field 14, wire type 4) is not a valid protobuf tag start for a model.
        new("not-onnx", f =>
        {
            string path = f.ModelPath();
            File.WriteAllText(path, "this is a text file, not an ONNX model\n");
            return path;
        }, [], []),

        // Cut inside the graph, which is one length-delimited field holding most of the file.
        new("truncated", f =>
        {
            byte[] bytes = TestModels.Valid().ToByteArray();
            string path = f.ModelPath();
            File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
            return path;
        }, [], []),

        new("undefined-input", f => Write(f, m => m.Graph.Node[1].Input[0] = "ghost_value"), ["'relu'", "ghost_value"], []),

        // relu reads add's output and add reads relu's: a cycle (Relu -> Add -> Relu).
        new("cycle", f => Write(f, m => m.Graph.Node[1].Input[0] = "add_out"), ["cycle"], ["'relu'", "'add'"]),

        // A second node also writes relu_out, which relu already produces.
        new("two-producers", f => Write(f, m =>
            m.Graph.Node.Insert(2, TestModels.Node("dup", "Neg", ["X"], ["relu_out"]))), ["relu_out"], ["'dup'", "'relu'"]),

        // Softmax's axis is an INT attribute; here it is a FLOAT.
        new("attribute-wrong-kind", f => Write(f, m =>
        {
            AttributeProto axis = m.Graph.Node[3].Attribute[0];
            axis.ClearI();
            axis.Type = AttributeProto.Types.AttributeType.Float;
            axis.F = 1f;
        }), ["'softmax'", "axis"], []),

        // FLOAT[4] needs 16 bytes; 12 are there.
        new("tensor-length-mismatch", f => Write(f, m =>
            m.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[12])), ["weight_w"], []),

        // 2^40 * 2^40 elements: the product does not fit in int64.
        new("dims-overflow", f => Write(f, m =>
        {
            TensorProto w = m.Graph.Initializer[0];
            w.Dims.Clear();
            w.Dims.Add([1L << 40, 1L << 40]);
            w.RawData = ByteString.Empty;
        }), ["weight_w"], []),

        new("external-absolute-path", f => Write(f, m =>
            TestModels.MakeExternal(m.Graph.Initializer[0], f.SecretFile, 0, 16)), ["weight_w"], []),

        new("external-dotdot-path", f => Write(f, m =>
            TestModels.MakeExternal(m.Graph.Initializer[0], "../outside/secret.bin", 0, 16)), ["weight_w"], []),

        // The location stays inside the folder by name, but the file there is a link to one outside it.
        new("external-symlink-outside", f =>
        {
            File.CreateSymbolicLink(Path.Combine(f.ModelFolder, "weights.bin"), f.SecretFile);
            return Write(f, m => TestModels.MakeExternal(m.Graph.Initializer[0], "weights.bin", 0, 16));
        }, ["weight_w"], []),
    ];

    public static BadInputCase Named(string name) => All.Single(c => c.Name == name);

    private static string Write(BadInputFolders folders, Action<ModelProto> breakIt)
    {
        ModelProto model = TestModels.Valid();
        breakIt(model);
        return TestModels.Write(model, folders.ModelPath());
    }
}
