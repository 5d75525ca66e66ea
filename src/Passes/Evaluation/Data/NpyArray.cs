// Reads the header of a NumPy .npy file and gives random access to its elements, without loading the array.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Onnxc.Evaluation.Data;

/// <summary>
/// A .npy file (format versions 1.0, 2.0 and 3.0): magic "\x93NUMPY", version bytes, a little-endian header
/// length (u16 in 1.0, u32 in 2.0/3.0), then a Python dict literal
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (N, H, W), }</c>, then the raw elements.
/// Only what sample data needs is accepted: little-endian u1, f4 and i8 in C order; anything else is a
/// <see cref="SampleDataException"/> naming the file. NuGet has no small maintained reader that streams
/// (NumSharp and NumpyDotNet load whole arrays into their own types), hence this one.
/// </summary>
internal sealed class NpyArray
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyArray(string path, NpyDataType dataType, long[] shape, long dataOffset)
    {
        Path = path;
        DataType = dataType;
        Shape = shape;
        DataOffset = dataOffset;
    }

    public string Path { get; }

    public NpyDataType DataType { get; }

    public long[] Shape { get; }

    /// <summary>Byte offset of element 0 in the file.</summary>
    public long DataOffset { get; }

    public int ElementSize => DataType switch
    {
        NpyDataType.UInt8 => 1,
        NpyDataType.Float32 => 4,
        _ => 8,
    };

    public long ElementCount => SampleShapes.ElementCount(Shape);

    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>Reads and checks the header, and that the file holds exactly the elements it declares.</summary>
    public static NpyArray Open(string path)
    {
        string name = System.IO.Path.GetFileName(path);
        using var stream = OpenRead(path);
        Span<byte> prefix = stackalloc byte[12];
        if (stream.ReadAtLeast(prefix, 10, throwOnEndOfStream: false) < 10 || !prefix[..6].SequenceEqual(s_magic))
        {
            throw new SampleDataException($"{name}: not a .npy file (no \\x93NUMPY magic)");
        }

        byte major = prefix[6];
        long headerLength;
        int prefixLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
            prefixLength = 10;
        }
        else if (major is 2 or 3)
        {
            if (stream.Length < 12)
            {
                throw new SampleDataException($"{name}: truncated .npy header");
            }

            stream.Position = 8;
            stream.ReadExactly(prefix[8..12]);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
            prefixLength = 12;
        }
        else
        {
            throw new SampleDataException($"{name}: .npy format version {major}.{prefix[7]} is not supported (1.0, 2.0, 3.0 are)");
        }

        if (prefixLength + headerLength > stream.Length || headerLength > 1 << 20)
        {
            throw new SampleDataException($"{name}: truncated .npy header");
        }

        var headerBytes = new byte[headerLength];
        stream.Position = prefixLength;
        stream.ReadExactly(headerBytes);

        // Version 3.0 allows UTF-8 in the header (field names of structured types); 1.0 and 2.0 are latin-1.
        string header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var dict = ParseHeader(name, header);
        NpyDataType dataType = ParseDescr(name, Get(name, dict, "descr") as string
            ?? throw new SampleDataException($"{name}: .npy header 'descr' is not a string"));
        if (Get(name, dict, "fortran_order") is not bool fortranOrder)
        {
            throw new SampleDataException($"{name}: .npy header 'fortran_order' is not True or False");
        }

        long[] shape = Get(name, dict, "shape") as long[]
            ?? throw new SampleDataException($"{name}: .npy header 'shape' is not a tuple of integers");
        if (fortranOrder && shape.Count(d => d > 1) > 1)
        {
            throw new SampleDataException($"{name}: Fortran-order arrays are not supported; save with numpy.ascontiguousarray");
        }

        var array = new NpyArray(path, dataType, shape, prefixLength + headerLength);
        long expected = array.DataOffset + (array.ElementCount * array.ElementSize);
        if (stream.Length != expected)
        {
            throw new SampleDataException(
                $"{name}: holds {stream.Length - array.DataOffset} data bytes but shape {SampleShapes.Format(shape)} of {array.DataType} needs {expected - array.DataOffset}");
        }

        return array;
    }

    /// <summary>A handle for <see cref="Read"/>; the caller disposes it when its pass over the data ends.</summary>
    public SafeFileHandle OpenHandle() =>
        File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);

    /// <summary>Reads <paramref name="destination"/>.Length bytes starting at element <paramref name="firstElement"/>.</summary>
    public void Read(SafeFileHandle handle, long firstElement, Span<byte> destination)
    {
        long offset = DataOffset + (firstElement * ElementSize);
        int done = 0;
        while (done < destination.Length)
        {
            int n = RandomAccess.Read(handle, destination[done..], offset + done);
            if (n == 0)
            {
                throw new SampleDataException($"{FileName}: file ended early (was it changed while being read?)");
            }

            done += n;
        }
    }

    /// <summary>The whole array as int64 (labels are small); the array must be i8.</summary>
    public long[] ReadAllInt64()
    {
        if (DataType != NpyDataType.Int64)
        {
            throw new SampleDataException($"{FileName}: labels must be int64, got {DataType}");
        }

        var bytes = new byte[checked((int)(ElementCount * 8))];
        using (var handle = OpenHandle())
        {
            Read(handle, 0, bytes);
        }

        var values = new long[ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8, 8));
        }

        return values;
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleDataException($"{System.IO.Path.GetFileName(path)}: cannot be read ({e.Message})", e);
        }
    }

    private static object Get(string name, Dictionary<string, object> dict, string key) =>
        dict.TryGetValue(key, out object? value)
            ? value
            : throw new SampleDataException($"{name}: .npy header has no '{key}'");

    private static NpyDataType ParseDescr(string name, string descr)
    {
        // '|' means "byte order not applicable" (1-byte types); '=' is native order, which NumPy never writes.
        return descr switch
        {
            "|u1" or "<u1" or "u1" => NpyDataType.UInt8,
            "<f4" => NpyDataType.Float32,
            "<i8" => NpyDataType.Int64,
            _ when descr.StartsWith('>') => throw new SampleDataException(
                $"{name}: big-endian dtype '{descr}' is not supported; save with arr.astype(arr.dtype.newbyteorder('<'))"),
            _ => throw new SampleDataException(
                $"{name}: dtype '{descr}' is not supported (uint8 and float32 for data, int64 for labels)"),
        };
    }

    /// <summary>Parses the header dict literal: string keys; string, True/False or int-tuple values.</summary>
    private static Dictionary<string, object> ParseHeader(string name, string header)
    {
        var parser = new HeaderParser(name, header);
        return parser.ParseDict();
    }

    private ref struct HeaderParser
    {
        private readonly string _name;
        private readonly string _text;
        private int _pos;

        public HeaderParser(string name, string text)
        {
            _name = name;
            _text = text;
            _pos = 0;
        }

        public Dictionary<string, object> ParseDict()
        {
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (TryTake('}'))
                {
                    return dict;
                }

                string key = ParseString();
                Expect(':');
                SkipSpace();
                dict[key] = ParseValue();
                SkipSpace();
                if (!TryTake(','))
                {
                    Expect('}');
                    return dict;
                }
            }
        }

        private object ParseValue()
        {
            if (Peek() is '\'' or '"')
            {
                return ParseString();
            }

            if (Peek() == '(')
            {
                return ParseTuple();
            }

            foreach ((string word, bool value) in new[] { ("True", true), ("False", false) })
            {
                if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0)
                {
                    _pos += word.Length;
                    return value;
                }
            }

            throw Error("unexpected value");
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (TryTake(')'))
                {
                    return [.. dims];
                }

                int start = _pos;
                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    _pos++;
                }

                // Python 2 era files may write long literals as "10000L".
                if (!long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long dim))
                {
                    throw Error("shape entries must be non-negative integers");
                }

                TryTake('L');
                dims.Add(dim);
                SkipSpace();
                if (!TryTake(','))
                {
                    Expect(')');
                    return [.. dims];
                }
            }
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error("expected a quoted string");
            }

            int end = _text.IndexOf(quote, _pos + 1);
            if (end < 0)
            {
                throw Error("unterminated string");
            }

            string s = _text[(_pos + 1)..end];
            _pos = end + 1;
            return s;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!TryTake(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        private bool TryTake(char c)
        {
            if (_pos < _text.Length && _text[_pos] == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
        }

        private SampleDataException Error(string why) =>
            new($"{_name}: malformed .npy header ({why} at character {_pos})");
    }
}
