// External tensor data: safe resolution of locations, lazy reads, and streaming on save.
using Google.Protobuf;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;
using static Onnxc.GraphIR.Tests.Onnx.ProtoBuilder;

namespace Onnxc.GraphIR.Tests.Onnx;

public sealed class ExternalDataTests
{
    private static TensorProto External(string name, string location, long offset, long length, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.AddRange(dims);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return t;
    }

    [Fact]
    public void External_tensors_stay_on_disk_until_read_and_are_read_exactly()
    {
        using var dir = new TempDir();
        byte[] data = [.. Enumerable.Range(0, 64).Select(i => (byte)i)];
        File.WriteAllBytes(dir.File("w.bin"), data);
        string path = Write(dir, "m.onnx", ReluModel(External("w", "w.bin", 16, 24, 2, 3)));

        Model model = OnnxImporter.Load(path);
        TensorData w = model.Graph.FindValue("w")!.Initializer!;

        Assert.True(w.IsExternal);
        Assert.Equal(data[16..40], w.GetBytes().ToArray());
    }

    [Fact]
    public void Saving_keeps_external_tensors_external_and_streams_them()
    {
        using var dir = new TempDir();
        byte[] data = new byte[4096 * 4];
        new Random(1).NextBytes(data);
        File.WriteAllBytes(dir.File("w.bin"), data);
        Model model = OnnxImporter.Load(Write(dir, "m.onnx", ReluModel(External("w", "w.bin", 0, data.Length, 4096))));
        Directory.CreateDirectory(dir.File("out"));

        string? dataPath = OnnxExporter.Save(model, dir.File("out/o.onnx"));

        Assert.Equal(dir.File("out/o.onnx.data"), dataPath);
        Model back = OnnxImporter.Load(dir.File("out/o.onnx"));
        TensorData w = back.Graph.FindValue("w")!.Initializer!;
        Assert.True(w.IsExternal);
        Assert.Equal(data, w.GetBytes().ToArray());
        Assert.Equal(2, Directory.GetFiles(dir.File("out")).Length); // no temp files left
    }

    [Fact]
    public void Always_mode_moves_tensors_above_the_threshold_out_and_never_mode_brings_them_in()
    {
        using var dir = new TempDir();
        Model model = OnnxImporter.FromProto(ReluModel(RawTensor("big", 1, [512], new byte[2048]), RawTensor("small", 1, [2], new byte[8])));
        OnnxExporter.Save(model, dir.File("a.onnx"), new OnnxSaveOptions { ExternalData = ExternalDataMode.Always, ExternalThresholdBytes = 1024 });
        Model loaded = OnnxImporter.Load(dir.File("a.onnx"));
        Assert.True(loaded.Graph.FindValue("big")!.Initializer!.IsExternal);
        Assert.False(loaded.Graph.FindValue("small")!.Initializer!.IsExternal);

        OnnxExporter.Save(loaded, dir.File("b.onnx"), new OnnxSaveOptions { ExternalData = ExternalDataMode.Never });
        Assert.False(File.Exists(dir.File("b.onnx.data")));
        Assert.False(OnnxImporter.Load(dir.File("b.onnx")).Graph.FindValue("big")!.Initializer!.IsExternal);
    }

    [Fact]
    public void ExternalDataFiles_lists_each_existing_location_once_and_leaves_out_unsafe_ones()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("w.bin"), new byte[64]);
        File.WriteAllBytes(dir.File("v.bin"), new byte[64]);
        string path = Write(dir, "m.onnx", ReluModel(External("w", "w.bin", 0, 24, 2, 3), External("w2", "w.bin", 24, 8, 2),
            External("v", "v.bin", 0, 8, 2), External("gone", "missing.bin", 0, 8, 2), External("bad", "../w.bin", 0, 8, 2)));

        IReadOnlyList<string> files = ExternalDataFiles.Of(path);

        Assert.Equal([dir.File("v.bin"), dir.File("w.bin")], files.Select(ExternalDataPaths.RealPath));
        Assert.Empty(ExternalDataFiles.Of(Write(dir, "plain.onnx", ReluModel(RawTensor("w", 1, [2], new byte[8])))));
    }

    [Theory]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("../outside.bin", "climbs out of the model's folder")]
    [InlineData("sub/../../outside.bin", "climbs out of the model's folder")]
    [InlineData("missing.bin", "does not exist")]
    public void Unsafe_or_missing_locations_are_refused(string location, string expected)
    {
        using var dir = new TempDir();
        string path = Write(dir, "m.onnx", ReluModel(External("w", location, 0, 4, 1)));
        var e = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path + ": ", e.Message);
    }

    [Fact]
    public void A_symlink_that_leads_out_of_the_folder_is_refused()
    {
        using var outside = new TempDir();
        using var dir = new TempDir();
        File.WriteAllBytes(outside.File("secret.bin"), new byte[16]);
        File.CreateSymbolicLink(dir.File("w.bin"), outside.File("secret.bin"));
        Directory.CreateSymbolicLink(dir.File("linked"), outside.Path);

        var e1 = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(Write(dir, "a.onnx", ReluModel(External("w", "w.bin", 0, 4, 1)))));
        var e2 = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(Write(dir, "b.onnx", ReluModel(External("w", "linked/secret.bin", 0, 4, 1)))));

        Assert.Contains("resolves through a symbolic link", e1.Message);
        Assert.Contains("resolves through a symbolic link", e2.Message);
    }

    [Fact]
    public void A_symlink_inside_the_folder_is_fine()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("real.bin"), new byte[8]);
        File.CreateSymbolicLink(dir.File("w.bin"), dir.File("real.bin"));
        Model model = OnnxImporter.Load(Write(dir, "m.onnx", ReluModel(External("w", "w.bin", 0, 8, 2))));
        Assert.Equal(8, model.Graph.FindValue("w")!.Initializer!.GetBytes().Length);
    }

    [Theory]
    [InlineData(4, 8, "runs past the end")]
    [InlineData(0, 12, "has 12 bytes of external data but FLOAT[2] needs 8")]
    public void Ranges_that_do_not_fit_are_refused(long offset, long length, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("w.bin"), new byte[10]);
        string path = Write(dir, "m.onnx", ReluModel(External("w", "w.bin", offset, length, 2)));
        var e = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Saving_into_a_missing_folder_fails_cleanly()
    {
        using var dir = new TempDir();
        Model model = OnnxImporter.FromProto(ReluModel());
        var e = Assert.Throws<InvalidModelException>(() => OnnxExporter.Save(model, dir.File("nope/o.onnx")));
        Assert.Contains("output folder does not exist", e.Message);
    }
}
