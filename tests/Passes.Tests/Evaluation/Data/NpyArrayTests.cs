// Tests of the .npy header reader: versions 1-3, the accepted dtypes, and a clear error for every other file.
using Onnxc.Evaluation.Data;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Evaluation.Data;

public sealed class NpyArrayTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsEveryHeaderVersion(int version)
    {
        using var dir = new TempDir();
        string path = dir.File("a.npy");
        NpyWriter.WriteFloat32(path, [2, 3], [1, 2, 3, 4, 5, 6.5f], version);
        var array = NpyArray.Open(path);
        Assert.Equal(NpyDataType.Float32, array.DataType);
        Assert.Equal(new long[] { 2, 3 }, array.Shape);
        Assert.Equal(6, array.ElementCount);
        var bytes = new byte[8];
        using (var handle = array.OpenHandle())
        {
            array.Read(handle, 4, bytes);
        }

        Assert.Equal(5f, BitConverter.ToSingle(bytes, 0));
        Assert.Equal(6.5f, BitConverter.ToSingle(bytes, 4));
    }

    [Fact]
    public void ReadsUInt8AndInt64()
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("u.npy"), [4], [1, 2, 3, 250]);
        Assert.Equal(NpyDataType.UInt8, NpyArray.Open(dir.File("u.npy")).DataType);
        NpyWriter.WriteInt64(dir.File("l.npy"), [3], [7, -1, long.MaxValue]);
        Assert.Equal(new long[] { 7, -1, long.MaxValue }, NpyArray.Open(dir.File("l.npy")).ReadAllInt64());
    }

    [SharedFact]
    public void ReadsTheSharedMnistHeader()
    {
        var array = NpyArray.Open(SharedData.Data("mnist", "images.npy"));
        Assert.Equal(NpyDataType.UInt8, array.DataType);
        Assert.Equal(new long[] { 10000, 28, 28 }, array.Shape);
        Assert.Equal(128, array.DataOffset);
    }

    [Theory]
    [InlineData(">f4", "big-endian")]
    [InlineData("<f8", "dtype '<f8' is not supported")]
    [InlineData("<i4", "dtype '<i4' is not supported")]
    [InlineData("|b1", "dtype '|b1' is not supported")]
    public void RejectsOtherDtypes(string descr, string why)
    {
        using var dir = new TempDir();
        NpyWriter.Write(dir.File("bad.npy"), descr, [2], new byte[descr == "|b1" ? 2 : descr[^1] == '8' ? 16 : 8]);
        var e = Assert.Throws<SampleDataException>(() => NpyArray.Open(dir.File("bad.npy")));
        Assert.StartsWith("bad.npy: ", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void RejectsFortranOrder()
    {
        using var dir = new TempDir();
        NpyWriter.Write(dir.File("f.npy"), "<f4", [2, 2], new byte[16], fortranOrder: true);
        var e = Assert.Throws<SampleDataException>(() => NpyArray.Open(dir.File("f.npy")));
        Assert.Contains("Fortran-order", e.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void RejectsTruncatedOrOverlongData(int extraBytes)
    {
        using var dir = new TempDir();
        NpyWriter.Write(dir.File("t.npy"), "|u1", [2, 3], new byte[6 + extraBytes]);
        var e = Assert.Throws<SampleDataException>(() => NpyArray.Open(dir.File("t.npy")));
        Assert.Equal($"t.npy: holds {6 + extraBytes} data bytes but shape [2,3] of UInt8 needs 6", e.Message);
    }

    [Fact]
    public void RejectsFilesThatAreNotNpy()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.npy"), "hello, this is text");
        Assert.Contains("not a .npy file", Assert.Throws<SampleDataException>(() => NpyArray.Open(dir.File("x.npy"))).Message);
        File.WriteAllBytes(dir.File("v9.npy"), [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 9, 0, 0, 0]);
        Assert.Contains("version 9.0", Assert.Throws<SampleDataException>(() => NpyArray.Open(dir.File("v9.npy"))).Message);
        File.WriteAllBytes(dir.File("short.npy"), [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 100, 0, (byte)'{']);
        Assert.Contains("truncated", Assert.Throws<SampleDataException>(() => NpyArray.Open(dir.File("short.npy"))).Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "has no 'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", "malformed")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", "malformed")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': 2, }", "malformed")]
    [InlineData("'descr': '<f4'", "malformed")]
    public void RejectsMalformedHeaders(string header, string why)
    {
        using var dir = new TempDir();
        string path = dir.File("h.npy");
        using (var stream = File.Create(path))
        {
            stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length + 1), 0]);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(header + "\n"));
            stream.Write(new byte[8]);
        }

        var e = Assert.Throws<SampleDataException>(() => NpyArray.Open(path));
        Assert.StartsWith("h.npy: ", e.Message);
        Assert.Contains(why, e.Message);
    }
}
