// Reader matching PlanWriter; every malformed input ends in an InvalidDataException with a reason.
using System.Runtime.InteropServices;
using System.Text;
using Onnxc.Kernels.Quantization;

namespace Onnxc.Kernels.Runtime;

internal sealed class PlanReader : IDisposable
{
    private const int MaxArray = 1 << 28;
    private readonly BinaryReader _reader;

    public PlanReader(Stream stream) => _reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);

    public int ReadInt() => _reader.ReadInt32();

    public long ReadLong() => _reader.ReadInt64();

    public float ReadFloat() => _reader.ReadSingle();

    public byte ReadByte() => _reader.ReadByte();

    public bool ReadBool() => _reader.ReadBoolean();

    public string ReadString() => _reader.ReadString();

    public int[] ReadInts() => ReadArray<int>();

    public byte[] ReadBytes() => ReadArray<byte>();

    public long[] ReadLongs() => ReadArray<long>();

    public float[] ReadFloats() => ReadArray<float>();

    public T ReadStruct<T>()
        where T : unmanaged
    {
        int size = _reader.ReadInt32();
        if (size != Marshal.SizeOf<T>())
        {
            throw new InvalidDataException($"plan stores {typeof(T).Name} in {size} bytes, this build expects {Marshal.SizeOf<T>()}: recompile the model");
        }

        var bytes = _reader.ReadBytes(size);
        if (bytes.Length != size)
        {
            throw new InvalidDataException("the execution plan is truncated (it ends inside a kernel argument block)");
        }

        return MemoryMarshal.Read<T>(bytes);
    }

    public QuantParams? ReadQuant()
    {
        if (!_reader.ReadBoolean())
        {
            return null;
        }

        float scale = _reader.ReadSingle();
        int zeroPoint = _reader.ReadInt32();
        byte type = _reader.ReadByte();
        if (type > (byte)QuantElementType.UInt8)
        {
            throw new InvalidDataException($"unknown quantized element type {type} in plan");
        }

        return new QuantParams(scale, zeroPoint, (QuantElementType)type);
    }

    public QuantParams ReadRequiredQuant() =>
        ReadQuant() ?? throw new InvalidDataException("plan lacks required quantization parameters");

    private T[] ReadArray<T>()
        where T : unmanaged
    {
        int n = _reader.ReadInt32();
        if (n < 0 || n > MaxArray)
        {
            throw new InvalidDataException($"plan array length {n} is out of range");
        }

        var bytes = _reader.ReadBytes(n * Marshal.SizeOf<T>());
        if (bytes.Length != n * Marshal.SizeOf<T>())
        {
            throw new InvalidDataException("the execution plan is truncated (it ends inside an array)");
        }

        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    public void Dispose() => _reader.Dispose();
}
