// onnxc inspect MODEL [--json]: what a model contains, as text for people or stable JSON for scripts.
using System.CommandLine;
using Onnxc.Compilation;
using Onnxc.Driver.Inspection;
using Onnxc.GraphIR;

namespace Onnxc.Driver.Commands;

internal sealed class InspectCommand
{
    private readonly Argument<string> _model = new("MODEL")
    {
        Description = "The ONNX model to describe.",
        Arity = ArgumentArity.ExactlyOne,
    };

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print stable, indented JSON instead of text.",
    };

    public Command Create()
    {
        var command = new Command(
            "inspect",
            "Print a model's IR version, opsets, producer, inputs and outputs with shapes, an op-type histogram, "
            + "parameter counts and bytes per element type, initializer bytes and file size.")
        {
            _model,
            _json,
        };
        _model.Validators.Add(ModelArgument.RejectUnknownOption);
        command.SetAction(Execute);
        return command;
    }

    private int Execute(ParseResult parse)
    {
        string path = parse.GetRequiredValue(_model);
        Model model = ModelInput.LoadVerified(path);
        ModelSummary summary = ModelSummary.Create(model, path);
        TextWriter stdout = parse.InvocationConfiguration.Output;
        if (parse.GetValue(_json))
        {
            SummaryJsonWriter.Write(summary, stdout);
        }
        else
        {
            SummaryTextWriter.Write(summary, stdout);
        }

        return ExitCodes.Ok;
    }
}
