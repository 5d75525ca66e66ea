// The main onnxc command line (onnxc MODEL -O LEVEL -o OUT): its arguments, their validation, and the call into OnnxCompiler.
using System.CommandLine;
using System.CommandLine.Parsing;
using Onnxc.Compilation;
using Onnxc.Evaluation;
using Onnxc.Passes.Opset;
using Onnxc.Passes.Pipelines;

namespace Onnxc.Driver.Commands;

/// <summary>
/// Declares the root command's argument and options and turns a parse into <see cref="CompileOptions"/>.
/// Every mistake that can be seen from the command line alone is a parse error (exit 1) reported before the model
/// is read. Pass flags (--list-passes, --disable-pass, --print-ir-after, --verify-each, --time-passes, --target,
/// --calibration) are added as further options here, with a matching member of <see cref="CompileOptions"/>.
/// </summary>
internal sealed class CompileCommand
{
    private readonly Argument<string> _model = new("MODEL")
    {
        Description = "The ONNX model to compile.",
        Arity = ArgumentArity.ExactlyOne,
    };

    private readonly Option<string> _output = new("--output", "-o")
    {
        Description = "Where to write the compiled ONNX model.",
        HelpName = "OUT",
        Required = true,
    };

    private readonly Option<string> _level = new("-O")
    {
        Description = $"Optimization level. Supported: {OptimizationLevel.SupportedNames}.",
        HelpName = "LEVEL",
        DefaultValueFactory = _ => OptimizationLevel.O0.Name,
    };

    private readonly Option<int?> _opset = new("--opset")
    {
        Description = $"Upgrade the model's default-domain opset to N (at most {OperatorHistory.MaxOpset}) before optimizing; onnxc only upgrades.",
        HelpName = "N",
    };

    private readonly Option<bool> _externalData = new("--external-data")
    {
        Description = "Write tensor data to OUT.data beside OUT (done anyway when the model would pass 2 GiB).",
    };

    private readonly Option<bool> _sparseStorage = new("--sparse-storage")
    {
        Description = "Write float weights that are more than 2/3 zero as ONNX sparse_initializer (a smaller file; ONNX Runtime densifies them at load).",
    };

    private readonly Option<string> _goal = new("--goal")
    {
        Description = "With --eval-data: the verdict of the final report, e.g. \"speedup>=2,drop<=3\" (speedup, speedup1, drop, size, macs).",
        HelpName = "GOAL",
    };

    private readonly Option<string[]> _disablePass = new("--disable-pass")
    {
        Description = "Skip a pass or a single rewrite rule by name (repeatable); --list-passes shows the names.",
        HelpName = "NAME",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string> _printIrAfter = new("--print-ir-after")
    {
        Description = "Print the IR to stderr after the named passes (comma-separated), after all, or after those that changed it.",
        HelpName = "NAME|all|changed",
    };

    private readonly Option<bool> _verifyEach = new("--verify-each")
    {
        Description = "Run the verifier after every pass and stop at the first one that breaks the model.",
    };

    private readonly Option<bool> _timePasses = new("--time-passes")
    {
        Description = "Print each pass's runs, changes and time to stderr.",
    };

    private readonly Option<bool> _debugRewrites = new("--debug-rewrites")
    {
        Description = "Print why each rewrite rule did not match, and per-rule statistics, to stderr.",
    };

    private readonly Option<bool> _listPasses = new("--list-passes")
    {
        Description = "List the passes and rewrite rules of the -O levels, and exit.",
        Action = new ListAction(PassRegistry.Describe),
    };

    private readonly Option<bool> _listTargets = new("--list-targets")
    {
        Description = "List the hardware targets onnxc knows, and exit.",
        Action = new ListAction(() => string.Concat(Kernels.Targets.TargetRegistry.All.Select(t => t.Describe() + Environment.NewLine))),
    };

    private readonly Int8Options _int8 = new();

    private readonly QatOptions _qat = new();

    private readonly PruneOptions _prune = new();

    public void AddTo(RootCommand root)
    {
        _int8.AddTo(root);
        _qat.AddTo(root, _prune.UsesTaylor);
        _prune.AddTo(root);
        root.Validators.Add(r =>
        {
            if (_qat.IsRecover(r) && !_prune.IsSet(r))
            {
                r.AddError("--recover fine-tunes a pruned model: add --prune-ratio, --prune-flops or --sparsity");
            }

            if (_prune.UsesTaylor(r) && !_qat.HasData(r))
            {
                r.AddError("--prune-criterion taylor needs --data TRAIN (labelled samples for the loss gradient)");
            }

            if (_prune.IsSensitivity(r) && !_int8.HasEvalData(r))
            {
                r.AddError("--prune-sensitivity needs --eval-data (labelled samples to measure each layer's drop on)");
            }

            if (r.GetValue(_goal) is { } goal)
            {
                GoalOptions.Validate(r, goal, needs: _int8.HasEvalData(r) ? null : "--goal needs --eval-data (labelled samples the final report measures on)");
            }
        });
        root.Add(_model);
        root.Add(_output);
        root.Add(_level);
        root.Add(_opset);
        root.Add(_externalData);
        root.Add(_sparseStorage);
        root.Add(_goal);
        root.Add(_disablePass);
        root.Add(_printIrAfter);
        root.Add(_verifyEach);
        root.Add(_timePasses);
        root.Add(_debugRewrites);
        root.Add(_listPasses);
        root.Add(_listTargets);

        _model.Validators.Add(ModelArgument.RejectUnknownOption);
        _level.Validators.Add(ValidateLevel);
        _opset.Validators.Add(ValidateOpset);
        _disablePass.Validators.Add(r => ValidateNames(r, () => PassRegistry.Validate(r.GetValueOrDefault<string[]>() ?? [])));
        _printIrAfter.Validators.Add(r => ValidateNames(r, () =>
            PassRegistry.ValidatePassNames(Passes.IrPrintSelection.Parse(r.GetValueOrDefault<string>() ?? string.Empty).Names)));
        root.Validators.Add(ValidatePaths);
        root.SetAction((parse, cancellation) => Task.FromResult(Execute(parse, cancellation)));
    }

    private int Execute(ParseResult parse, CancellationToken cancellation)
    {
        OnnxCompiler.Compile(Read(parse), new Progress.ConsoleCompileObserver(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error), cancellation);
        return ExitCodes.Ok;
    }

    /// <summary>The compile request a parse without errors asks for.</summary>
    internal CompileOptions Read(ParseResult parse)
    {
        return new CompileOptions
        {
            ModelPath = parse.GetRequiredValue(_model),
            OutputPath = parse.GetRequiredValue(_output),
            Level = OptimizationLevel.Find(parse.GetRequiredValue(_level))!,
            TargetOpset = parse.GetValue(_opset),
            ExternalData = parse.GetValue(_externalData),
            SparseStorage = parse.GetValue(_sparseStorage),
            Goal = parse.GetValue(_goal) is { } goal ? Goal.Parse(goal) : null,
            Int8 = _int8.Read(parse),
            Qat = _qat.Read(parse),
            Prune = _prune.Read(parse, _qat.ReadRecovery(parse)),
            PruneSensitivity = _prune.ReadSensitivity(parse),
            TrainingDataPath = _qat.DataPath(parse),
            Passes = new Passes.PassOptions
            {
                DisabledPasses = [.. parse.GetValue(_disablePass) ?? []],
                PrintIrAfter = Passes.IrPrintSelection.Parse(parse.GetValue(_printIrAfter) ?? string.Empty),
                VerifyEach = parse.GetValue(_verifyEach),
                TimePasses = parse.GetValue(_timePasses),
                DebugRewrites = parse.GetValue(_debugRewrites),
            },
        };
    }

    /// <summary>A pass name the registry does not know is a command-line mistake (exit 1).</summary>
    private static void ValidateNames(OptionResult result, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            result.AddError(e.Message);
        }
    }

    private static void ValidateLevel(OptionResult result)
    {
        string? name = result.GetValueOrDefault<string>();
        if (name is null || OptimizationLevel.Find(name) is null)
        {
            result.AddError($"-O {name}: unsupported optimization level (supported: {OptimizationLevel.SupportedNames})");
        }
    }

    private static void ValidateOpset(OptionResult result)
    {
        // Read from the token: the typed value throws when the text is not a number. Whether N is below the
        // model's own opset is only known once the model is read (then it is exit 2).
        if (result.Tokens.Count == 0)
        {
            return;
        }

        string text = result.Tokens[^1].Value;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
            || n < 1 || n > OperatorHistory.MaxOpset)
        {
            result.AddError($"--opset {text}: onnxc upgrades to default-domain opsets 1 to {OperatorHistory.MaxOpset}");
        }
    }

    /// <summary>An output that cannot be written, or one that would overwrite the input, is a command-line mistake.</summary>
    private void ValidatePaths(CommandResult result) =>
        OutputPaths.Validate(result, result.GetValue(_model), result.GetValue(_output));
}
