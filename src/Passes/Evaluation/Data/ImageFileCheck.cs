// Checks the container structure of a JPEG or PNG file before decoding, because stb_image hangs or guesses on some damage.
using System.Buffers.Binary;

namespace Onnxc.Evaluation.Data;

/// <summary>
/// A structural check of an image file, run before StbImageSharp decodes it. stb_image decodes a truncated JPEG
/// without complaint (the missing entropy data becomes grey blocks) and loops forever on a JPEG whose segment
/// length runs past the end of the file, so the marker and chunk layout is walked here first:
/// JPEG: SOI, then marker segments whose lengths stay inside the file, entropy-coded data after each SOS, and an
/// EOI marker; PNG: the signature, then chunks (length, type, data, CRC) that stay inside the file, up to IEND.
/// Pixel data itself is left to the decoder.
/// </summary>
internal static class ImageFileCheck
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Null when the layout is sound, else why it is not.</summary>
    public static string? Problem(ReadOnlySpan<byte> file)
    {
        if (file.Length >= 2 && file[0] == 0xFF && file[1] == 0xD8)
        {
            return JpegProblem(file);
        }

        if (file.StartsWith(s_pngSignature))
        {
            return PngProblem(file);
        }

        return "not a JPEG or PNG file";
    }

    private static string? JpegProblem(ReadOnlySpan<byte> file)
    {
        int p = 2;
        while (true)
        {
            if (p >= file.Length)
            {
                return "truncated JPEG (no end-of-image marker)";
            }

            if (file[p] != 0xFF)
            {
                return $"bad JPEG marker at byte {p}";
            }

            while (p < file.Length && file[p] == 0xFF)
            {
                p++;
            }

            if (p >= file.Length)
            {
                return "truncated JPEG (no end-of-image marker)";
            }

            byte marker = file[p++];
            if (marker == 0xD9)
            {
                return null;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            if (p + 2 > file.Length)
            {
                return "truncated JPEG (segment header cut off)";
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(file[p..]);
            if (length < 2 || p + length > file.Length)
            {
                return $"truncated JPEG (segment 0x{marker:X2} at byte {p - 2} runs past the end)";
            }

            p += length;
            if (marker == 0xDA)
            {
                // Entropy-coded data: 0xFF is followed by 0x00 (a stuffed byte) or a restart marker until the next marker.
                while (p + 1 < file.Length && !(file[p] == 0xFF && file[p + 1] != 0x00 && file[p + 1] is not (>= 0xD0 and <= 0xD7)))
                {
                    p++;
                }

                if (p + 1 >= file.Length)
                {
                    return "truncated JPEG (image data ends without an end-of-image marker)";
                }
            }
        }
    }

    private static string? PngProblem(ReadOnlySpan<byte> file)
    {
        int p = s_pngSignature.Length;
        while (p + 12 <= file.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file[p..]);
            if (length > int.MaxValue || p + 12L + length > file.Length)
            {
                return $"truncated PNG (chunk at byte {p} runs past the end)";
            }

            bool end = file.Slice(p + 4, 4).SequenceEqual("IEND"u8);
            p += 12 + (int)length;
            if (end)
            {
                return null;
            }
        }

        return "truncated PNG (no IEND chunk)";
    }
}
