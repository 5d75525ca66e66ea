// The compile command's training options: -O int8 --qat (quantization-aware training) and --recover (fine-tuning
// after pruning) share --data TRAIN --epochs E --lr --batch ... --teacher.
using System.CommandLine;
using Onnxc.Compilation;

namespace Onnxc.Driver.Commands;

/// <summary>Declares --qat, --recover and their training options on the root command and reads them into <see cref="QatSettings"/>.</summary>
internal sealed class QatOptions
{
    private readonly Option<bool> _qat = new("--qat") { Description = "-O int8: after calibrating, train with fake quantization on --data (quantization-aware training)." };

    private readonly Option<bool> _recover = new("--recover") { Description = "With --prune-ratio/--prune-flops/--sparsity: fine-tune the pruned model (keeping its zeros) on --data, distilling from the unpruned one (or --teacher)." };

    private readonly Option<string> _data = new("--data") { Description = "--qat: labelled training samples (labels.npy beside a .npy, or labels.txt in an image folder).", HelpName = "TRAIN" };

    private readonly Option<string> _valData = new("--val-data") { Description = "--qat: labelled validation samples; the best epoch is written and PTQ and QAT top-1 are printed.", HelpName = "VAL" };

    private readonly Option<int> _weightBits = new("--weight-bits") { Description = "--qat: weight bits, 8 or 4 (int4 per channel at opset 21; default 8).", HelpName = "4|8", DefaultValueFactory = _ => 8 };

    private readonly Option<int> _epochs = new("--epochs") { Description = "--qat: epochs (default 1).", HelpName = "E", DefaultValueFactory = _ => 1 };

    private readonly Option<double> _lr = new("--lr") { Description = "--qat: peak learning rate of the cosine schedule (default 0.001).", HelpName = "LR", DefaultValueFactory = _ => 0.001 };

    private readonly Option<string> _optimizer = OptimizerOption.Create("--qat/--recover: sgd (momentum 0.9) or adamw (for transformers; weight decay 0.01 when recovering) (default sgd).");

    private readonly Option<int> _batch = new("--batch") { Description = "--qat: batch size (default 64).", HelpName = "B", DefaultValueFactory = _ => 64 };

    private readonly Option<int?> _stepsPerEpoch = new("--steps-per-epoch") { Description = "--qat: stop each epoch after N steps.", HelpName = "N" };

    private readonly Option<int> _cropPadding = new("--crop-padding") { Description = "--qat: augment with random crops of the image padded by P.", HelpName = "P" };

    private readonly Option<bool> _flip = new("--flip") { Description = "--qat: augment with random horizontal flips." };

    private readonly Option<int> _seed = new("--seed") { Description = "--qat: seed of shuffling and augmentation (default 0).", HelpName = "S" };

    private readonly Option<string> _teacher = new("--teacher") { Description = "--qat: distill from this model (T = 4, α = 0.9) while training.", HelpName = "TEACHER" };

    /// <param name="dataUsedElsewhere">True where another option reads --data without training (a Taylor pruning criterion).</param>
    public void AddTo(Command command, Func<System.CommandLine.Parsing.CommandResult, bool>? dataUsedElsewhere = null)
    {
        foreach (Option o in new Option[] { _qat, _recover, _data, _valData, _weightBits, _epochs, _lr, _optimizer, _batch, _stepsPerEpoch, _cropPadding, _flip, _seed, _teacher })
        {
            command.Add(o);
        }

        command.Validators.Add(r =>
        {
            bool qat = r.GetValue(_qat);
            bool recover = r.GetValue(_recover);
            if ((qat || recover) && r.GetValue(_data) is null)
            {
                r.AddError($"{(qat ? "--qat" : "--recover")} needs --data TRAIN (labelled samples)");
            }

            if (!qat && !recover && r.GetResult(_optimizer) is not null)
            {
                r.AddError("--optimizer belongs to training: add --qat or --recover (or see 'onnxc train --help')");
            }

            if (qat && r.GetValue(_weightBits) is not (4 or 8))
            {
                r.AddError($"--weight-bits {r.GetValue(_weightBits)}: 4 or 8");
            }

            if (!qat && r.GetResult(_weightBits) is not null)
            {
                r.AddError("--weight-bits belongs to quantization-aware training: add --qat");
            }

            bool dataUsed = dataUsedElsewhere?.Invoke(r) ?? false;
            if (!qat && !recover && ((r.GetResult(_data) is not null && !dataUsed) || r.GetResult(_teacher) is not null))
            {
                r.AddError("--data and --teacher belong to training: add --qat or --recover (or see 'onnxc train --help')");
            }
        });
    }

    /// <summary>--data, whatever reads it.</summary>
    public string? DataPath(ParseResult parse) => parse.GetValue(_data);

    /// <summary>Whether --data was given.</summary>
    public bool HasData(System.CommandLine.Parsing.CommandResult r) => r.GetValue(_data) is not null;

    /// <summary>Whether --recover was given.</summary>
    public bool IsRecover(System.CommandLine.Parsing.CommandResult r) => r.GetValue(_recover);

    /// <summary>The training settings for --qat, else null.</summary>
    public QatSettings? Read(ParseResult parse) => parse.GetValue(_qat) ? ReadTraining(parse) : null;

    /// <summary>The training settings for --recover, else null.</summary>
    public QatSettings? ReadRecovery(ParseResult parse) => parse.GetValue(_recover) ? ReadTraining(parse) : null;

    private QatSettings ReadTraining(ParseResult parse) =>
        new QatSettings
        {
            DataPath = parse.GetRequiredValue(_data),
            ValidationPath = parse.GetValue(_valData),
            WeightBits = parse.GetValue(_weightBits),
            Epochs = parse.GetValue(_epochs),
            LearningRate = parse.GetValue(_lr),
            AdamW = OptimizerOption.IsAdamW(parse.GetValue(_optimizer)),
            BatchSize = parse.GetValue(_batch),
            StepsPerEpoch = parse.GetValue(_stepsPerEpoch),
            CropPadding = parse.GetValue(_cropPadding),
            Flip = parse.GetValue(_flip),
            Seed = parse.GetValue(_seed),
            TeacherPath = parse.GetValue(_teacher),
        };
}
