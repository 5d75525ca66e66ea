// The train and distill jobs as a library call: fine-tune a model on labelled data and write the best epoch.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Training;

namespace Onnxc.Compilation;

/// <summary>What to train: the model, its data, the setup (losses, optimizer, frozen weights) and the loop's options.</summary>
public sealed record TrainRequest
{
    /// <summary>The model to train; it is never modified.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Where the trained model goes (the best epoch's weights when there is validation data).</summary>
    public required string OutputPath { get; init; }

    /// <summary>Labelled training samples.</summary>
    public required string DataPath { get; init; }

    /// <summary>Labelled samples measured after every epoch; null for none.</summary>
    public string? ValidationPath { get; init; }

    /// <summary>How samples become input, as --preprocess; null for none.</summary>
    public string? Preprocess { get; init; }

    /// <summary>The teacher of distillation (<see cref="TrainingSetup"/>'s loss must ask for it); null to train on labels alone.</summary>
    public string? TeacherPath { get; init; }

    /// <summary>Losses, optimizer, frozen weights.</summary>
    public TrainingSetup Setup { get; init; } = new();

    /// <summary>Epochs, batch, schedule, augmentation, checkpoints.</summary>
    public TrainingOptions Options { get; init; } = new();

    /// <summary>Also write the training graph (forward, loss, gradients, optimizer as ONNX) here; null for none.</summary>
    public string? TrainingGraphPath { get; init; }
}

/// <summary>
/// Runs a training loop (our autodiff on GraphIR, one ONNX Runtime session run per step) and writes the result.
/// Errors are typed as <see cref="OnnxCompiler"/>'s are: a model the training pass cannot differentiate is an
/// <see cref="InvalidModelException"/> naming the file and node.
/// </summary>
public static class OnnxTrainer
{
    /// <summary>Trains <see cref="TrainRequest.ModelPath"/> and writes <see cref="TrainRequest.OutputPath"/>; epoch lines go to the observer's summary.</summary>
    public static TrainingResult Train(TrainRequest request, CompileObserver? observer = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        observer ??= CompileObserver.None;
        Model model = ModelInput.LoadVerified(request.ModelPath);
        Model? teacher = request.TeacherPath is null ? null : ModelInput.LoadVerified(request.TeacherPath);
        SampleSet train = SampleData.Open(request.DataPath, model, request.Preprocess);
        SampleSet? validation = request.ValidationPath is { } val ? SampleData.Open(val, model, request.Preprocess) : null;
        try
        {
            if (request.TrainingGraphPath is { } graphPath)
            {
                OnnxExporter.Save(TrainingGraphBuilder.Build(model, request.Setup).Model, graphPath);
            }

            observer.Diagnostic($"training {Path.GetFileName(request.ModelPath)} on {train.Description}");
            TrainingResult result = observer.Training(progress =>
                new Trainer(model, request.Setup, request.Options).Run(train, validation, teacher, progress, cancellation));
            OnnxExporter.Save(result.Model, request.OutputPath);
            foreach (EpochSummary e in result.Epochs)
            {
                observer.Summary(e.Describe(e.Epoch == result.BestEpoch));
            }

            observer.Summary($"wrote {request.OutputPath}: the weights of epoch {result.BestEpoch} ({result.Steps} steps)");
            return result;
        }
        catch (TrainingException e) when (e.Node is null)
        {
            throw new InvalidModelException(e.Message, request.ModelPath, inner: e);
        }
        catch (TrainingException e)
        {
            throw new InvalidModelException(e.Message, request.ModelPath, e.Node!.Describe(), e);
        }
    }
}
