// One ONNX backend-test data set (test_data_set_N/input_i.pb, output_i.pb) read as ORT inputs.
using System.Globalization;
using Onnxc.GraphIR;

namespace Onnxc.TestSupport;

/// <summary>
/// The <c>input_i.pb</c> and <c>output_i.pb</c> files of one data set of an ONNX test folder, in index order.
/// The files are parsed lazily: a data set whose model takes a sequence or optional stores those as other
/// protos, and the caller should check <see cref="OrtRunner.NonTensorReason"/> before reading.
/// </summary>
public sealed class OrtTestDataSet
{
    public OrtTestDataSet(string folder)
    {
        Folder = folder;
        InputFiles = Numbered(folder, "input_");
        OutputFiles = Numbered(folder, "output_");
    }

    public string Folder { get; }

    public IReadOnlyList<string> InputFiles { get; }

    public IReadOnlyList<string> OutputFiles { get; }

    /// <summary>The <c>test_data_set_*</c> folders beside <paramref name="modelPath"/>, in numeric order.</summary>
    public static IReadOnlyList<OrtTestDataSet> ForModel(string modelPath)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        return [.. Directory.EnumerateDirectories(dir, "test_data_set_*")
            .OrderBy(d => Index(Path.GetFileName(d), "test_data_set_"))
            .Select(d => new OrtTestDataSet(d))];
    }

    /// <summary>
    /// The inputs keyed by the names <paramref name="runner"/> expects. A TensorProto that carries one of the
    /// model's input names goes to that input; otherwise file i feeds the i-th input, as the ONNX backend runner
    /// does. ONNX 1.12 stores BFLOAT16 test inputs as UINT16 bit patterns (numpy has no bfloat16); such an
    /// input is reinterpreted as the BFLOAT16 the model declares, which is what the data means.
    /// </summary>
    public IReadOnlyDictionary<string, OrtTensor> InputsFor(OrtRunner runner)
    {
        if (InputFiles.Count > runner.InputNames.Count)
        {
            throw new InvalidDataException(
                $"{Folder} has {InputFiles.Count} inputs, the model takes {runner.InputNames.Count}");
        }

        var inputs = new Dictionary<string, OrtTensor>(StringComparer.Ordinal);
        for (int i = 0; i < InputFiles.Count; i++)
        {
            var proto = GraphIR.Onnx.TensorProto.Parser.ParseFrom(File.ReadAllBytes(InputFiles[i]));
            int named = runner.InputNames.ToList().IndexOf(proto.Name);
            int at = named >= 0 ? named : i;
            OrtTensor tensor = OrtTensor.FromTensorProto(proto);
            if (tensor.ElementType == ElementType.UInt16 && runner.InputElementTypes[at] == ElementType.BFloat16)
            {
                tensor = OrtTensor.FromBytes(ElementType.BFloat16, tensor.Shape.AsSpan(), tensor.Bytes);
            }

            inputs[runner.InputNames[at]] = tensor;
        }

        return inputs;
    }

    /// <summary>The expected outputs as stored in the suite, in file order.</summary>
    public IReadOnlyList<OrtTensor> ExpectedOutputs() => [.. OutputFiles.Select(OrtTensor.FromFile)];

    private static List<string> Numbered(string folder, string prefix) =>
        [.. Directory.EnumerateFiles(folder, prefix + "*.pb")
            .OrderBy(f => Index(Path.GetFileNameWithoutExtension(f), prefix))];

    private static int Index(string name, string prefix) =>
        int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : int.MaxValue;
}
