// onnxc eval MODEL --data PATH: accuracy, latency, size and memory, optionally side by side with a baseline.
using System.CommandLine;
using Onnxc.Compilation;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;

namespace Onnxc.Driver.Commands;

/// <summary>
/// Measures a model on labelled data in ONNX Runtime: top-1/top-5, latency p50/p90 at batch 1 and at --batch after
/// warm-up, throughput, file size and peak memory. With --baseline both models run in the same process, interleaved,
/// and the ratios (size, speedup, accuracy drop, top-1 agreement) are printed; --compare adds per-layer SQNR.
/// </summary>
internal sealed class EvalCommand
{
    private readonly Argument<string> _model = new("MODEL") { Description = "The ONNX model to measure.", Arity = ArgumentArity.ExactlyOne };

    private readonly Option<string> _data = new("--data")
    {
        Description = "Labelled samples: a .npy file with labels.npy beside it, an image folder with labels.txt, or ONNX test-data folders.",
        HelpName = "DATA",
        Required = true,
    };

    private readonly Option<string> _preprocess = new("--preprocess")
    {
        Description = "How samples become model input (see onnxc --help).",
        HelpName = "SPEC",
    };

    private readonly Option<string> _baseline = new("--baseline")
    {
        Description = "A reference model (e.g. the FP32 original) run in the same process, interleaved, for ratios.",
        HelpName = "MODEL",
    };

    private readonly Option<int?> _limit = new("--limit") { Description = "Use at most N samples, evenly spread.", HelpName = "N" };

    private readonly Option<int> _batch = new("--batch") { Description = "Batch size for the throughput measurement (default 32).", HelpName = "B", DefaultValueFactory = _ => 32 };

    private readonly Option<string> _provider = ProviderOption.Create("Where ONNX Runtime runs the models (the --compare layer SQNR always runs on the CPU)");

    private readonly Option<string> _reportHtml = new("--report-html")
    {
        Description = "Also write the report as one self-contained HTML page with plots (with --baseline: side by side; --compare adds the SQNR plot).",
        HelpName = "FILE",
    };

    private readonly Option<bool> _json = new("--json") { Description = "Print JSON instead of text." };

    private readonly Option<bool> _compare = new("--compare") { Description = "Per-layer SQNR between the baseline's and the model's activations (needs --baseline)." };

    private readonly Option<bool> _profile = new("--profile")
    {
        Description = "Where the time goes: ONNX Runtime's profiler, kernel time per op type (after ORT's fusions) of the model and the baseline at batch 1 and --batch (CPU).",
    };

    private readonly Option<string> _goal = new("--goal") { Description = "With --baseline: print whether the model meets a goal such as \"speedup>=2,drop<=3\" (speedup, speedup1, drop, size).", HelpName = "GOAL" };

    public Command Create()
    {
        var command = new Command("eval", "Measure a model's accuracy, latency, size and memory on labelled data in ONNX Runtime.")
        {
            _model, _data, _preprocess, _baseline, _limit, _batch, _provider, _json, _compare, _profile, _goal, _reportHtml,
        };
        _model.Validators.Add(ModelArgument.RejectUnknownOption);
        // Checked on the options themselves: at the command level an option the user left out reads as 0, not as
        // its default.
        _batch.Validators.Add(o =>
        {
            if (o.Tokens.Count > 0 && o.GetValueOrDefault<int>() <= 0)
            {
                o.AddError("--batch must be positive");
            }
        });
        _limit.Validators.Add(o =>
        {
            if (o.Tokens.Count > 0 && o.GetValueOrDefault<int?>() is <= 0)
            {
                o.AddError("--limit must be positive");
            }
        });
        command.Validators.Add(r =>
        {
            if (r.GetValue(_compare) && r.GetValue(_baseline) is null)
            {
                r.AddError("--compare needs --baseline");
            }

            if (r.GetValue(_goal) is { } goal)
            {
                GoalOptions.Validate(r, goal, needs: r.GetValue(_baseline) is null ? "--goal needs --baseline (the goal is measured against it)" : null);
            }
        });
        command.SetAction(Execute);
        return command;
    }

    private int Execute(ParseResult parse)
    {
        string path = parse.GetRequiredValue(_model);
        string? baseline = parse.GetValue(_baseline);
        var options = new EvalOptions
        {
            BatchSize = parse.GetValue(_batch),
            Samples = parse.GetValue(_limit),
            CompareLayers = parse.GetValue(_compare),
            Profile = parse.GetValue(_profile),
            Provider = ProviderOption.Read(parse.GetValue(_provider)),
        };
        EvalReport report = OnnxEvaluator.Evaluate(path, parse.GetRequiredValue(_data), parse.GetValue(_preprocess), options, baseline,
            parse.GetValue(_goal) is { } goal ? Goal.Parse(goal) : null);
        TextWriter stdout = parse.InvocationConfiguration.Output;
        stdout.Write(parse.GetValue(_json) ? report.ToJson() + Environment.NewLine : report.ToText());
        if (parse.GetValue(_reportHtml) is { } html)
        {
            string title = baseline is null ? Path.GetFileName(path) : $"{Path.GetFileName(path)} against {Path.GetFileName(baseline)}";
            Compilation.Reports.HtmlReport.Write(html, new Compilation.Reports.HtmlReportData(
                title, Path.GetFileName(parse.GetRequiredValue(_data)), report, Provider: options.Provider));
            if (!parse.GetValue(_json))
            {
                stdout.WriteLine($"html report: {html}");
            }
        }

        return ExitCodes.Ok;
    }
}
