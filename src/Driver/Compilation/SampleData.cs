// Opens --calibration / --data / --eval-data sample sets for a model's inputs, with --preprocess.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;

namespace Onnxc.Compilation;

/// <summary>Opens sample sets (.npy files, image folders, ONNX test-data folders) shaped for a model's inputs.</summary>
public static class SampleData
{
    /// <summary>The model's fed inputs (initializers excluded) as the data reader describes them; symbolic dims are -1.</summary>
    public static IReadOnlyList<ModelInputSpec> InputsOf(Model model) =>
        [.. model.Graph.Inputs.Where(v => !v.IsInitializer).Select(v => ModelInputSpec.Float32(
            v.Name, [.. (v.Shape?.Dims ?? []).Select(d => d.Value ?? -1)]))];

    /// <summary>Opens <paramref name="path"/> for <paramref name="model"/>; bad data is a one-line error naming the file (exit 2).</summary>
    public static SampleSet Open(string path, Model model, string? preprocess) =>
        SampleSet.Open(path, InputsOf(model), PreprocessOptions.Parse(preprocess));
}
