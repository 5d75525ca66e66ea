// onnxc train / onnxc distill: fine-tune a model on labelled data, or distill it from a teacher, in ONNX Runtime.
using System.CommandLine;
using System.Globalization;
using Onnxc.Compilation;
using Onnxc.Driver.Progress;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Passes.Training;
using Onnxc.Passes.Training.Losses;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Driver.Commands;

/// <summary>
/// Both commands build the training graph of MODEL (forward, loss, gradients, optimizer step in standard ONNX
/// ops), run it in ONNX Runtime one step per session run, score the validation data after every epoch, and
/// write MODEL with the weights of the best epoch to OUT (temporary file, then rename). <c>distill</c> adds the
/// teacher's soft targets (and optional feature terms) to the loss.
/// </summary>
internal sealed class TrainCommand
{
    private readonly bool _distill;

    private readonly Argument<string> _model = new("MODEL") { Description = "The ONNX model to train (the student, for distill).", Arity = ArgumentArity.ExactlyOne };

    private readonly Option<string> _output = new("--output", "-o") { Description = "Where to write the trained model.", HelpName = "OUT", Required = true };

    private readonly Option<string> _data = new("--data")
    {
        Description = "Labelled training samples: a .npy file with labels.npy beside it, or an image folder with labels.txt.",
        HelpName = "TRAIN",
        Required = true,
    };

    private readonly Option<string> _valData = new("--val-data") { Description = "Labelled validation samples, scored after every epoch; the best epoch is written.", HelpName = "VAL" };

    private readonly Option<double> _valSplit = new("--val-split") { Description = "Without --val-data: hold out this fraction of TRAIN for validation (default 0: the last epoch is written).", HelpName = "F" };

    private readonly Option<string> _preprocess = new("--preprocess") { Description = "How samples become model input (see onnxc --help).", HelpName = "SPEC" };

    private readonly Option<int> _epochs = new("--epochs") { Description = "Passes over the training data (default 1).", HelpName = "E", DefaultValueFactory = _ => 1 };

    private readonly Option<int> _batch = new("--batch") { Description = "Batch size (default 64); the last batch of an epoch may be smaller.", HelpName = "B", DefaultValueFactory = _ => 64 };

    private readonly Option<double> _lr = new("--lr") { Description = "Peak learning rate (default 0.01).", HelpName = "LR", DefaultValueFactory = _ => 0.01 };

    private readonly Option<string> _optimizer = OptimizerOption.Create("sgd (momentum, coupled weight decay) or adamw (default sgd).");

    private readonly Option<double> _momentum = new("--momentum") { Description = "SGD momentum (default 0.9).", HelpName = "M", DefaultValueFactory = _ => 0.9 };

    private readonly Option<double> _weightDecay = new("--weight-decay") { Description = "Weight decay (default 0).", HelpName = "WD" };

    private readonly Option<string> _schedule = new("--schedule") { Description = "Learning-rate schedule: constant, cosine or step (default constant).", HelpName = "KIND", DefaultValueFactory = _ => "constant" };

    private readonly Option<int> _warmup = new("--warmup-steps") { Description = "Linear warm-up steps before the schedule (default 0).", HelpName = "N" };

    private readonly Option<int> _stepEpochs = new("--step-epochs") { Description = "Step schedule: multiply the rate by --gamma every N epochs (default 30).", HelpName = "N", DefaultValueFactory = _ => 30 };

    private readonly Option<double> _gamma = new("--gamma") { Description = "Step schedule factor (default 0.1).", HelpName = "G", DefaultValueFactory = _ => 0.1 };

    private readonly Option<double> _labelSmoothing = new("--label-smoothing") { Description = "Label smoothing ε (default 0).", HelpName = "EPS" };

    private readonly Option<string[]> _freeze = new("--freeze") { Description = "Keep an initializer, or every weight of an op type, fixed (repeatable).", HelpName = "NAME|OPTYPE" };

    private readonly Option<bool> _freezeBnStats = new("--freeze-bn-stats") { Description = "Normalize by BatchNorm's running statistics and keep them fixed (train only its scale and bias)." };

    private readonly Option<int> _seed = new("--seed") { Description = "Seed of shuffling, augmentation and the validation split (default 0); same seed, same output bytes.", HelpName = "S" };

    private readonly Option<int> _cropPadding = new("--crop-padding") { Description = "Augment: random crop of the image padded by P pixels (default 0: off).", HelpName = "P" };

    private readonly Option<bool> _flip = new("--flip") { Description = "Augment: random horizontal flip." };

    private readonly Option<int> _threads = new("--threads") { Description = "ONNX Runtime threads (default: every core).", HelpName = "N" };

    private readonly Option<int?> _stepsPerEpoch = new("--steps-per-epoch") { Description = "Stop each epoch after N steps (default: the whole data set).", HelpName = "N" };

    private readonly Option<string> _checkpoint = new("--checkpoint") { Description = "Write a resumable checkpoint to DIR after every epoch.", HelpName = "DIR" };

    private readonly Option<bool> _resume = new("--resume") { Description = "Continue from the checkpoint in --checkpoint DIR." };

    private readonly Option<string> _saveTrainingGraph = new("--save-training-graph") { Description = "Also write the training-step graph (standard ONNX) to FILE, for inspection.", HelpName = "FILE" };

    private readonly Option<string> _logits = new("--logits") { Description = "The output that holds the logits (default: the first output; a final Softmax is looked through).", HelpName = "NAME" };

    private readonly Option<string> _teacher = new("--teacher") { Description = "The teacher model, with the same input and number of classes.", HelpName = "TEACHER", Required = true };

    private readonly Option<double> _temperature = new("--temperature") { Description = "Distillation temperature T (default 4).", HelpName = "T", DefaultValueFactory = _ => 4.0 };

    private readonly Option<double> _alpha = new("--alpha") { Description = "Weight α of the distillation term against the label loss (default 0.9).", HelpName = "A", DefaultValueFactory = _ => 0.9 };

    private readonly Option<string[]> _feature = new("--feature") { Description = "Feature distillation: β·MSE between the student's tensor S and the teacher's T (repeatable; β default 1).", HelpName = "S:T[:BETA]" };

    public TrainCommand(bool distill) => _distill = distill;

    public Command Create()
    {
        Command command = _distill
            ? new Command("distill", "Train a student model from a teacher's soft targets (knowledge distillation) on labelled data, in ONNX Runtime.")
            : new Command("train", "Fine-tune a model on labelled data, in ONNX Runtime: the training step is an ONNX graph onnxc builds.");
        command.Add(_model);
        foreach (Option o in new Option[]
        {
            _output, _data, _valData, _valSplit, _preprocess, _epochs, _batch, _lr, _optimizer, _momentum, _weightDecay,
            _schedule, _warmup, _stepEpochs, _gamma, _labelSmoothing, _freeze, _freezeBnStats, _seed, _cropPadding, _flip, _threads,
            _stepsPerEpoch, _checkpoint, _resume, _saveTrainingGraph, _logits,
        })
        {
            command.Add(o);
        }

        if (_distill)
        {
            command.Add(_teacher);
            command.Add(_temperature);
            command.Add(_alpha);
            command.Add(_feature);
        }

        _model.Validators.Add(ModelArgument.RejectUnknownOption);
        command.Validators.Add(r => OutputPaths.Validate(r, r.GetValue(_model), r.GetValue(_output)));
        command.Validators.Add(r =>
        {
            if (r.GetValue(_schedule) is { } s && s is not ("constant" or "cosine" or "step"))
            {
                r.AddError($"--schedule {s}: expected constant, cosine or step");
            }

            foreach (string spec in (_distill ? r.GetValue(_feature) : null) ?? [])
            {
                string[] parts = spec.Split(':');
                if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0
                    || (parts.Length == 3 && !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                {
                    r.AddError($"--feature {spec}: expected STUDENT:TEACHER or STUDENT:TEACHER:BETA");
                }
            }
        });
        command.SetAction((parse, cancellation) => Task.FromResult(Execute(parse, cancellation)));
        return command;
    }

    private int Execute(ParseResult parse, CancellationToken cancellation)
    {
        var request = new TrainRequest
        {
            ModelPath = parse.GetRequiredValue(_model),
            OutputPath = parse.GetRequiredValue(_output),
            DataPath = parse.GetRequiredValue(_data),
            ValidationPath = parse.GetValue(_valData),
            Preprocess = parse.GetValue(_preprocess),
            TeacherPath = _distill ? parse.GetRequiredValue(_teacher) : null,
            Setup = Setup(parse),
            Options = Options(parse),
            TrainingGraphPath = parse.GetValue(_saveTrainingGraph),
        };
        OnnxTrainer.Train(request, new ConsoleCompileObserver(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error), cancellation);
        return ExitCodes.Ok;
    }

    private TrainingSetup Setup(ParseResult parse)
    {
        var features = new List<FeatureLoss>();
        foreach (string spec in (_distill ? parse.GetValue(_feature) : null) ?? [])
        {
            string[] parts = spec.Split(':');
            features.Add(new FeatureLoss(parts[0], parts[1], parts.Length == 3 ? double.Parse(parts[2], CultureInfo.InvariantCulture) : 1.0));
        }

        return new TrainingSetup
        {
            Freeze = parse.GetValue(_freeze) ?? [],
            FreezeBatchNormStatistics = parse.GetValue(_freezeBnStats),
            LogitsOutput = parse.GetValue(_logits),
            Optimizer = new OptimizerSettings
            {
                Kind = OptimizerOption.IsAdamW(parse.GetValue(_optimizer)) ? OptimizerKind.AdamW : OptimizerKind.Sgd,
                Momentum = parse.GetValue(_momentum),
                WeightDecay = parse.GetValue(_weightDecay),
            },
            Loss = new LossSettings
            {
                LabelSmoothing = parse.GetValue(_labelSmoothing),
                Distillation = _distill ? new DistillationSettings(parse.GetValue(_temperature), parse.GetValue(_alpha)) : null,
                Features = features,
            },
        };
    }

    private TrainingOptions Options(ParseResult parse) => new()
    {
        Epochs = parse.GetValue(_epochs),
        BatchSize = parse.GetValue(_batch),
        Schedule = new LearningRateSchedule
        {
            BaseRate = parse.GetValue(_lr),
            Kind = parse.GetValue(_schedule) switch { "cosine" => ScheduleKind.Cosine, "step" => ScheduleKind.Step, _ => ScheduleKind.Constant },
            WarmupSteps = parse.GetValue(_warmup),
            StepEpochs = parse.GetValue(_stepEpochs),
            Gamma = parse.GetValue(_gamma),
        },
        Seed = parse.GetValue(_seed),
        Augmentation = new Augmentation(parse.GetValue(_cropPadding), parse.GetValue(_flip)),
        Threads = parse.GetValue(_threads),
        ValidationSplit = parse.GetValue(_valSplit),
        MaxStepsPerEpoch = parse.GetValue(_stepsPerEpoch),
        CheckpointDirectory = parse.GetValue(_checkpoint),
        Resume = parse.GetValue(_resume),
    };
}
