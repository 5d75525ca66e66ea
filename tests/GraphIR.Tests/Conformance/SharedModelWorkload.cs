// Real inputs for each shared model, preprocessed exactly as models/MANIFEST.md says, and their reference rows.
using System.Buffers.Binary;
using System.Text;
using Onnxc.TestSupport;
using StbImageSharp;

namespace Onnxc.GraphIR.Tests.Conformance;

/// <summary>
/// What to feed one shared model: a list of runs (input name to tensor), and where its FP32 reference outputs
/// are (<c>data/reference_outputs</c>, one float32 row of <see cref="Classes"/> values per sample), with the
/// reference row of each output row in run order. <see cref="ReferenceFile"/> is null where no reference
/// was made with this preprocessing; <see cref="NoReferenceReason"/> says why.
/// <see cref="ReferenceTolerance"/> bounds |ours - reference| per element: the references came from another ORT
/// build (onnxruntime-node 1.30, likely another CPU: no row is bit-identical even single- or multi-threaded here)
/// whose kernels may sum in another order, which moves logits by a
/// few float32 ulps; JPEG inputs also pass through another decoder (see <see cref="ImageNet"/>).
/// </summary>
public sealed record SharedModelWorkload(
    string ModelFile,
    IReadOnlyList<IReadOnlyDictionary<string, OrtTensor>> Runs,
    string? ReferenceFile,
    IReadOnlyList<int> ReferenceRows,
    int Classes,
    string? NoReferenceReason,
    float ReferenceTolerance = 1e-4f)
{
    private static readonly float[] s_imageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] s_imageNetStd = [0.229f, 0.224f, 0.225f];
    private static readonly float[] s_caffeBgrMean = [104f, 117f, 123f];

    public static readonly IReadOnlyList<string> ModelFiles =
    [
        "mnist-8.onnx",
        "cifar10-resnet20-akamaster.onnx",
        "cifar10-resnet32-akamaster.onnx",
        "squeezenet1.1-caffe2-fp32.onnx",
        "squeezenet1.1-caffe2-fp16.onnx",
    ];

    public static SharedModelWorkload For(string modelFile) => modelFile switch
    {
        "mnist-8.onnx" => Mnist(count: 64),
        "cifar10-resnet20-akamaster.onnx" or "cifar10-resnet32-akamaster.onnx" => Cifar(modelFile, count: 64),
        "squeezenet1.1-caffe2-fp32.onnx" => ImageNet(modelFile, count: 8, half: false),
        "squeezenet1.1-caffe2-fp16.onnx" => ImageNet(modelFile, count: 8, half: true),
        _ => throw new ArgumentException($"no workload for {modelFile}", nameof(modelFile)),
    };

    /// <summary>The reference rows for this workload's samples, in run order.</summary>
    public float[][] ReadReference()
    {
        string path = SharedData.Data("reference_outputs", ReferenceFile ?? throw new InvalidOperationException(NoReferenceReason));
        using var file = File.OpenRead(path);
        var rows = new float[ReferenceRows.Count][];
        byte[] buffer = new byte[Classes * sizeof(float)];
        for (int i = 0; i < rows.Length; i++)
        {
            file.Seek((long)ReferenceRows[i] * buffer.Length, SeekOrigin.Begin);
            file.ReadExactly(buffer);
            rows[i] = [.. Enumerable.Range(0, Classes).Select(c => BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(c * 4)))];
        }

        return rows;
    }

    /// <summary>MNIST t10k images 0..count-1, pixel/255, one [1,1,28,28] run each (the model's batch is fixed at 1).</summary>
    private static SharedModelWorkload Mnist(int count)
    {
        byte[] pixels = ReadNpyUInt8(SharedData.Data("mnist", "images.npy"), count * 28 * 28);
        var runs = new List<IReadOnlyDictionary<string, OrtTensor>>();
        for (int i = 0; i < count; i++)
        {
            float[] x = [.. pixels.AsSpan(i * 784, 784).ToArray().Select(p => p / 255f)];
            runs.Add(new Dictionary<string, OrtTensor> { ["Input3"] = OrtTensor.FromFloats([1, 1, 28, 28], x) });
        }

        return new("mnist-8.onnx", runs, "mnist-8__mnist_t10k__in01.f32", [.. Enumerable.Range(0, count)], 10, null);
    }

    /// <summary>
    /// CIFAR-10 test records spread evenly over the class-sorted file (record i * 10000 / count), as one batch:
    /// x = (byte/255 - mean[c]) / std[c] with ImageNet mean and std, NCHW.
    /// </summary>
    private static SharedModelWorkload Cifar(string modelFile, int count)
    {
        const int recordBytes = 1 + 3 * 1024;
        int[] records = [.. Enumerable.Range(0, count).Select(i => i * 10000 / count)];
        using var file = File.OpenRead(SharedData.Data("cifar10", "test_batch.bin"));
        var x = new float[count * 3 * 1024];
        var record = new byte[recordBytes];
        for (int n = 0; n < count; n++)
        {
            file.Seek((long)records[n] * recordBytes, SeekOrigin.Begin);
            file.ReadExactly(record);
            for (int c = 0; c < 3; c++)
            {
                for (int p = 0; p < 1024; p++)
                {
                    x[(n * 3 + c) * 1024 + p] = (record[1 + c * 1024 + p] / 255f - s_imageNetMean[c]) / s_imageNetStd[c];
                }
            }
        }

        var runs = new List<IReadOnlyDictionary<string, OrtTensor>>
        {
            new Dictionary<string, OrtTensor> { ["input"] = OrtTensor.FromFloats([count, 3, 32, 32], x) },
        };
        string stem = Path.GetFileNameWithoutExtension(modelFile);
        return new(modelFile, runs, $"{stem}__cifar10_test__imagenetnorm.f32", records, 10, null);
    }

    /// <summary>
    /// ImageNet sample images (every 1000/count-th of labels.txt), cropped 224x224 at (16,16), channels in BGR
    /// order minus the Caffe means, no scaling; one [1,3,224,224] run each. The FP16 model takes FLOAT16.
    /// The references were decoded by another JPEG decoder; stb_image's IDCT rounds some pixels one level apart,
    /// which moves softmax probabilities by up to a few 1e-3 (measured 0.0030 on these 8 images), so the bound
    /// here is 0.01 on probabilities, and the test also requires the same top-1 class.
    /// </summary>
    private static SharedModelWorkload ImageNet(string modelFile, int count, bool half)
    {
        string[] files = [.. File.ReadLines(SharedData.Data("imagenet_sample1000_r256", "labels.txt"))
            .Select(l => l.Split(' ')[0])];
        int[] rows = [.. Enumerable.Range(0, count).Select(i => i * files.Length / count)];
        var runs = new List<IReadOnlyDictionary<string, OrtTensor>>();
        foreach (int row in rows)
        {
            byte[] jpeg = File.ReadAllBytes(SharedData.Data("imagenet_sample1000_r256", files[row]));
            ImageResult image = ImageResult.FromMemory(jpeg, ColorComponents.RedGreenBlue);
            var x = new float[3 * 224 * 224];
            for (int ch = 0; ch < 3; ch++)
            {
                for (int y = 0; y < 224; y++)
                {
                    for (int xx = 0; xx < 224; xx++)
                    {
                        int src = ((y + 16) * image.Width + xx + 16) * 3 + (2 - ch);
                        x[(ch * 224 + y) * 224 + xx] = image.Data[src] - s_caffeBgrMean[ch];
                    }
                }
            }

            OrtTensor input = half
                ? OrtTensor.FromHalves([1, 3, 224, 224], [.. x.Select(v => (Half)v)])
                : OrtTensor.FromFloats([1, 3, 224, 224], x);
            runs.Add(new Dictionary<string, OrtTensor> { ["data_0"] = input });
        }

        return half
            ? new(modelFile, runs, null, rows, 1000, "the references are FP32 outputs; the FP16 model's are not expected to equal them")
            : new(modelFile, runs, "squeezenet1.1-caffe2-fp32__imagenet_sample1000_r256__crop224_bgrmean.f32", rows, 1000, null, 0.01f);
    }

    /// <summary>The first <paramref name="count"/> bytes of the data of a C-order uint8 .npy file.</summary>
    private static byte[] ReadNpyUInt8(string path, int count)
    {
        using var file = File.OpenRead(path);
        byte[] preamble = new byte[10];
        file.ReadExactly(preamble);
        if (!preamble.AsSpan(1, 5).SequenceEqual("NUMPY"u8) || preamble[6] != 1)
        {
            throw new InvalidDataException($"{path} is not a version-1 .npy file");
        }

        byte[] header = new byte[BinaryPrimitives.ReadUInt16LittleEndian(preamble.AsSpan(8))];
        file.ReadExactly(header);
        string text = Encoding.ASCII.GetString(header);
        if (!text.Contains("'|u1'", StringComparison.Ordinal) || !text.Contains("'fortran_order': False", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is not a C-order uint8 array: {text.Trim()}");
        }

        byte[] data = new byte[count];
        file.ReadExactly(data);
        return data;
    }

    public override string ToString() => ModelFile;
}
