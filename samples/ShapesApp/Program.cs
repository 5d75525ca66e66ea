// Runs the INT8 model the build compiled (shapes-cnn.int8.onnx) with ONNX Runtime on the shipped test set.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

string folder = AppContext.BaseDirectory;
string modelPath = Path.Combine(folder, "shapes-cnn.int8.onnx");
(int[] shape, byte[] pixels) = Npy.ReadUInt8(Path.Combine(folder, "shapes-test", "images.npy"));
long[] labels = Npy.ReadInt64(Path.Combine(folder, "shapes-test", "labels.npy"));
int count = shape[0], height = shape[1], width = shape[2];

using var session = new InferenceSession(modelPath);
string input = session.InputMetadata.Keys.Single();
const int batch = 100;
int correct = 0;
for (int start = 0; start < count; start += batch)
{
    int n = Math.Min(batch, count - start);
    var tensor = new DenseTensor<float>([n, 1, height, width]);
    for (int i = 0; i < n * height * width; i++)
    {
        tensor.Buffer.Span[i] = pixels[start * height * width + i] / 255f;
    }

    using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
    Tensor<float> logits = results[0].AsTensor<float>();
    for (int i = 0; i < n; i++)
    {
        int best = 0;
        for (int c = 1; c < logits.Dimensions[1]; c++)
        {
            if (logits[i, c] > logits[i, best])
            {
                best = c;
            }
        }

        correct += best == labels[start + i] ? 1 : 0;
    }
}

Console.WriteLine($"{Path.GetFileName(modelPath)} ({new FileInfo(modelPath).Length:N0} bytes): top-1 {100.0 * correct / count:F2}% ({correct}/{count}) on the shapes test set");
return 0;

/// <summary>Just enough of the .npy format (version 1, little-endian, C order) for the shipped test set.</summary>
internal static class Npy
{
    public static (int[] Shape, byte[] Data) ReadUInt8(string path)
    {
        (int[] shape, byte[] data) = Read(path, "|u1");
        return (shape, data);
    }

    public static long[] ReadInt64(string path)
    {
        (_, byte[] data) = Read(path, "<i8");
        long[] values = new long[data.Length / 8];
        Buffer.BlockCopy(data, 0, values, 0, data.Length);
        return values;
    }

    private static (int[] Shape, byte[] Data) Read(string path, string dtype)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = bytes[8] | (bytes[9] << 8);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        if (!header.Contains($"'descr': '{dtype}'", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: expected dtype {dtype}, header {header}");
        }

        string dims = header[(header.IndexOf('(') + 1)..header.IndexOf(')')];
        int[] shape = [.. dims.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];
        return (shape, bytes[(10 + headerLength)..]);
    }
}
