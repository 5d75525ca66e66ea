// The eval job as a library call: a model (and a baseline) measured on labelled data in ONNX Runtime.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;

namespace Onnxc.Compilation;

/// <summary>
/// What <c>onnxc eval</c> does, for the command, the MSBuild task and users' code: both files are loaded and
/// verified first (a bad one is an <see cref="InvalidModelException"/> naming it), the data is opened with the
/// model's inputs and the --preprocess spec (<see cref="SampleDataException"/>), then
/// <see cref="ModelEvaluator"/> measures top-1/top-5, latency, size and memory, interleaved with the baseline.
/// </summary>
public static class OnnxEvaluator
{
    /// <param name="modelPath">The model to measure.</param>
    /// <param name="dataPath">Labelled samples: a .npy file with labels.npy beside it, an image folder, or ONNX test-data folders.</param>
    /// <param name="preprocess">How samples become input, as --preprocess; null for none.</param>
    /// <param name="options">Batch size, sample limit, provider, layer comparison.</param>
    /// <param name="baselinePath">A reference model run in the same process, for ratios; null for none.</param>
    /// <param name="goal">A goal such as "speedup>=2,drop&lt;=3" checked against the ratios (needs a baseline); null for none.</param>
    public static EvalReport Evaluate(string modelPath, string dataPath, string? preprocess, EvalOptions options, string? baselinePath = null, Goal? goal = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Model model = ModelInput.LoadVerified(modelPath);
        if (baselinePath is not null)
        {
            ModelInput.LoadVerified(baselinePath);
        }

        SampleSet data = SampleData.Open(dataPath, model, preprocess);
        EvalReport report = ModelEvaluator.Evaluate(modelPath, data, options, baselinePath);
        return goal is not null && report.Ratios is { } ratios ? report with { Goal = goal.Check(Goal.Measured(ratios)) } : report;
    }
}
