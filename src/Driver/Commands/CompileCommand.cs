// The main onnxc command line (onnxc MODEL -O LEVEL -o OUT): its arguments, their validation, and the call into Compiler.
using System.CommandLine;
using System.CommandLine.Parsing;
using Onnxc.Driver.Compilation;
using Onnxc.Passes.Opset;

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

    public void AddTo(RootCommand root)
    {
        root.Add(_model);
        root.Add(_output);
        root.Add(_level);
        root.Add(_opset);
        root.Add(_externalData);

        _model.Validators.Add(ModelArgument.RejectUnknownOption);
        _level.Validators.Add(ValidateLevel);
        _opset.Validators.Add(ValidateOpset);
        root.Validators.Add(ValidatePaths);
        root.SetAction(Execute);
    }

    private int Execute(ParseResult parse)
    {
        var options = new CompileOptions
        {
            ModelPath = parse.GetRequiredValue(_model),
            OutputPath = parse.GetRequiredValue(_output),
            Level = OptimizationLevel.Find(parse.GetRequiredValue(_level))!,
            TargetOpset = parse.GetValue(_opset),
            ExternalData = parse.GetValue(_externalData),
        };

        Compiler.Compile(options);
        return ExitCodes.Ok;
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
    private void ValidatePaths(CommandResult result)
    {
        string? model = result.GetValue(_model);
        string? output = result.GetValue(_output);
        if (string.IsNullOrEmpty(model) || output is null)
        {
            return; // the missing argument or option is reported on its own
        }

        if (output.Length == 0)
        {
            result.AddError("-o needs a file name");
            return;
        }

        string fullOutput = Path.GetFullPath(output);
        if (string.Equals(Path.GetFullPath(model), fullOutput, StringComparison.Ordinal))
        {
            result.AddError($"-o {output}: the output would overwrite the input; write it somewhere else");
        }
        else if (Directory.Exists(fullOutput))
        {
            result.AddError($"-o {output}: is a directory; give a file name");
        }
        else if (Path.GetDirectoryName(fullOutput) is { } folder && !Directory.Exists(folder))
        {
            result.AddError($"-o {output}: folder {folder} does not exist");
        }
    }
}
