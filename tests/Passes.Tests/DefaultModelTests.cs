// Checks that the default model in models/ is what models/README.md says: its interface, its graph, its accuracy.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests;

/// <summary>
/// The files are made by models/ModelMaker (never run here: training is not a test). These tests pin the shipped
/// bytes to the claims of models/README.md, so a regenerated model with a different accuracy, or a README edited
/// without regenerating, fails.
/// </summary>
public sealed class DefaultModelTests
{
    private const int ImageSize = 28;
    private const int Classes = 10;

    private static readonly string s_models = Path.Combine(SharedData.RepoRoot, "models");
    private static readonly string s_modelPath = Path.Combine(s_models, "shapes-cnn.onnx");

    [Theory]
    [InlineData("shapes-cnn.onnx", @"Test accuracy \(ONNX Runtime[^)]*\): (\d+) / (\d+)")]
    [InlineData("shapes-wide.onnx", @"Test accuracy of shapes-wide \(ONNX Runtime[^)]*\): (\d+) / (\d+)")]
    public void OnnxRuntimeAccuracyOnTheShippedTestSetIsTheOneTheReadmeStates(string model, string statement)
    {
        Match stated = ReadmeMatch(statement);
        int statedCorrect = int.Parse(stated.Groups[1].Value, CultureInfo.InvariantCulture);
        int statedCount = int.Parse(stated.Groups[2].Value, CultureInfo.InvariantCulture);
        (byte[] images, long[] labels) = LoadSplit("shapes-test");
        Assert.Equal(statedCount, labels.Length);

        int correct = CountCorrect(Path.Combine(s_models, model), images, labels);

        Assert.Equal(statedCorrect, correct);
        Assert.True(correct >= 0.97 * labels.Length, $"accuracy {correct} / {labels.Length} is below 97 %");
    }

    [Fact]
    public void CalibrationSetIsSeededApartFromTheTestSetAndSharesNoImage()
    {
        Match seeds = ReadmeMatch(@"Seeds: train (0x[0-9A-Fa-f]+), calibration (0x[0-9A-Fa-f]+), test (0x[0-9A-Fa-f]+)");
        string train = seeds.Groups[1].Value;
        string calibration = seeds.Groups[2].Value;
        string test = seeds.Groups[3].Value;
        Assert.NotEqual(calibration, test);
        Assert.NotEqual(train, test);
        Assert.NotEqual(train, calibration);

        // The README's seeds must be the generator's, not a copy that drifted.
        string generator = File.ReadAllText(Path.Combine(s_models, "ModelMaker", "Seeds.cs"));
        foreach ((string name, string seed) in new[] { ("Train", train), ("Calibration", calibration), ("Test", test) })
        {
            Assert.Matches($@"const ulong {name} = {seed};", generator);
        }

        (byte[] calibImages, long[] calibLabels) = LoadSplit("shapes-calib");
        (byte[] testImages, _) = LoadSplit("shapes-test");
        Assert.Equal(256, calibLabels.Length);
        int pixels = ImageSize * ImageSize;
        var testSet = new HashSet<string>();
        for (int i = 0; i < testImages.Length / pixels; i++)
        {
            testSet.Add(Convert.ToBase64String(testImages, i * pixels, pixels));
        }

        for (int i = 0; i < calibLabels.Length; i++)
        {
            Assert.False(testSet.Contains(Convert.ToBase64String(calibImages, i * pixels, pixels)),
                $"calibration image {i} also appears in the test set");
        }

        // Every class is represented in the calibration samples, so they cover the model's whole input range.
        Assert.Equal(Enumerable.Range(0, Classes).Select(c => (long)c), calibLabels.Distinct().Order());
    }

    [Fact]
    public void ModelHasTheDocumentedInterfaceAndKeepsBatchNormalizationSeparate()
    {
        Assert.True(new FileInfo(s_modelPath).Length < 200_000, "the default model should stay small");
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(s_modelPath));

        Assert.Equal(7, model.IrVersion);
        Assert.Equal("onnxc-modelmaker", model.ProducerName);
        OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(13, opset.Version);
        Assert.Equal(
            ["Conv", "BatchNormalization", "Relu", "MaxPool", "Conv", "BatchNormalization", "Relu", "MaxPool",
             "Flatten", "Gemm", "Relu", "Gemm"],
            model.Graph.Node.Select(n => n.OpType));
        Assert.All(model.Graph.Initializer, t => Assert.False(t.RawData.IsEmpty, $"{t.Name} should be raw_data"));

        ValueInfoProto input = Assert.Single(model.Graph.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal(["N", "1", "28", "28"], Dims(input));
        ValueInfoProto output = Assert.Single(model.Graph.Output);
        Assert.Equal("logits", output.Name);
        Assert.Equal(["N", "10"], Dims(output));
    }

    [Fact]
    public void TheWideModelHasTheDocumentedGraph()
    {
        string path = Path.Combine(s_models, "shapes-wide.onnx");
        Assert.True(new FileInfo(path).Length < 700_000, "the README's main model should stay small enough to ship");
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(7, model.IrVersion);
        Assert.Equal("onnxc-modelmaker", model.ProducerName);
        Assert.Equal(13, Assert.Single(model.OpsetImport).Version);
        string[] block = ["Conv", "BatchNormalization", "Relu"];
        Assert.Equal(
            [.. block, .. block, "MaxPool", .. block, .. block, "MaxPool", .. block, "GlobalAveragePool", "Flatten", "Gemm"],
            model.Graph.Node.Select(n => n.OpType));
        Assert.Equal([32L, 32, 64, 64, 128], model.Graph.Node.Where(n => n.OpType == "Conv")
            .Select(n => model.Graph.Initializer.Single(t => t.Name == n.Input[1]).Dims[0]));
        Assert.Equal(["N", "1", "28", "28"], Dims(Assert.Single(model.Graph.Input)));
        Assert.Equal(["N", "10"], Dims(Assert.Single(model.Graph.Output)));
    }

    private static string[] Dims(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim
            .Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture))
            .ToArray();

    private static int CountCorrect(string modelPath, byte[] images, long[] labels)
    {
        const int batch = 500;
        int pixels = ImageSize * ImageSize;
        using var session = new InferenceSession(modelPath);
        using var runOptions = new RunOptions();
        int correct = 0;
        for (int start = 0; start < labels.Length; start += batch)
        {
            int count = Math.Min(batch, labels.Length - start);
            var input = new float[count * pixels];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = images[(start * pixels) + i] / 255f;
            }

            using var value = OrtValue.CreateTensorValueFromMemory(input, [count, 1, ImageSize, ImageSize]);
            using IDisposableReadOnlyCollection<OrtValue> outputs =
                session.Run(runOptions, ["input"], [value], ["logits"]);
            ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();
            for (int n = 0; n < count; n++)
            {
                ReadOnlySpan<float> z = logits.Slice(n * Classes, Classes);
                int best = 0;
                for (int k = 1; k < Classes; k++)
                {
                    if (z[k] > z[best])
                    {
                        best = k;
                    }
                }

                if (best == labels[start + n])
                {
                    correct++;
                }
            }
        }

        return correct;
    }

    private static Match ReadmeMatch(string pattern)
    {
        string readme = File.ReadAllText(Path.Combine(s_models, "README.md"));
        Match match = Regex.Match(readme, pattern);
        Assert.True(match.Success, $"models/README.md has no line matching /{pattern}/");
        return match;
    }

    /// <summary>images.npy (uint8 [n,28,28]) and labels.npy (int64 [n], each 0..9) of a split folder.</summary>
    private static (byte[] Images, long[] Labels) LoadSplit(string folder)
    {
        (string imageDescr, int[] imageShape, byte[] images) = ReadNpy(Path.Combine(s_models, folder, "images.npy"));
        (string labelDescr, int[] labelShape, byte[] labelBytes) = ReadNpy(Path.Combine(s_models, folder, "labels.npy"));
        Assert.Equal("|u1", imageDescr);
        Assert.Equal("<i8", labelDescr);
        int count = Assert.Single(labelShape);
        Assert.Equal([count, ImageSize, ImageSize], imageShape);
        Assert.Equal(count * ImageSize * ImageSize, images.Length);
        Assert.Equal(count * sizeof(long), labelBytes.Length);
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = BinaryPrimitives.ReadInt64LittleEndian(labelBytes.AsSpan(i * sizeof(long)));
            Assert.InRange(labels[i], 0, Classes - 1);
        }

        return (images, labels);
    }

    /// <summary>
    /// NumPy .npy v1.0: "\x93NUMPY", 1, 0, uint16 LE header length, a dict literal with descr, fortran_order and
    /// shape, then the C-order data.
    /// </summary>
    private static (string Descr, int[] Shape, byte[] Data) ReadNpy(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 10 && bytes[0] == 0x93 && Encoding.ASCII.GetString(bytes, 1, 5) == "NUMPY",
            $"{path} is not a .npy file");
        Assert.Equal(1, bytes[6]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Contains("'fortran_order': False", header);
        string descr = Regex.Match(header, @"'descr': '([^']+)'").Groups[1].Value;
        int[] shape = Regex.Match(header, @"'shape': \(([^)]*)\)").Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();
        return (descr, shape, bytes[(10 + headerLength)..]);
    }
}
