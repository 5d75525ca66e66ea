// Little-endian binary writer for plan files, with helpers for the kernels' parameter types.
using System.Runtime.InteropServices;
using System.Text;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Runtime;

internal sealed class PlanWriter : IDisposable
{
    private readonly BinaryWriter _writer;

    public PlanWriter(Stream stream) => _writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);

    public void Write(int value) => _writer.Write(value);

    public void Write(long value) => _writer.Write(value);

    public void Write(float value) => _writer.Write(value);

    public void Write(byte value) => _writer.Write(value);

    public void Write(bool value) => _writer.Write(value);

    public void Write(string value) => _writer.Write(value);

    public void WriteBytes(byte[] values) => _writer.Write(values);

    public void Write(int[] values)
    {
        _writer.Write(values.Length);
        _writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public void Write(long[] values)
    {
        _writer.Write(values.Length);
        _writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public void Write(float[] values)
    {
        _writer.Write(values.Length);
        _writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>A blittable kernel-argument struct, prefixed by its size so a layout change is detected on read.</summary>
    public void WriteStruct<T>(T value)
        where T : unmanaged
    {
        _writer.Write(Marshal.SizeOf<T>());
        _writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));
    }

    public void Write(QuantParams? p)
    {
        _writer.Write(p is not null);
        if (p is null)
        {
            return;
        }

        _writer.Write(p.Scale);
        _writer.Write(p.ZeroPoint);
        _writer.Write((byte)p.Type);
    }

    public void Dispose() => _writer.Dispose();
}
