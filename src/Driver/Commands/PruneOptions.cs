// The compile command's pruning options: --prune-ratio R | --prune-flops R (channels), --sparsity R|2:4 (weights), ranking, rounding, exclusions.
using System.CommandLine;
using System.CommandLine.Parsing;
using Onnxc.Compilation;
using Onnxc.Passes.Pruning;

namespace Onnxc.Driver.Commands;

/// <summary>Declares the pruning options on the root command and reads them into <see cref="PruneSettings"/>.</summary>
internal sealed class PruneOptions
{
    private readonly Option<double?> _ratio = new("--prune-ratio") { Description = "Remove this share of every layer's channels (structured, 0 < R < 1); the output is a smaller dense model.", HelpName = "R" };

    private readonly Option<double?> _flops = new("--prune-flops") { Description = "Remove channels until this share of the MACs is gone (0 < R < 1; 0.5 halves the compute).", HelpName = "R" };

    private readonly Option<string> _sparsity = new("--sparsity") { Description = "Zero the smallest weights of every Conv/Gemm/MatMul: a share R (0 < R < 1, unstructured) or 2:4 (two of every four input channels, for Ampere sparse tensor cores). Combines with --prune-ratio/--prune-flops, which run first.", HelpName = "R|2:4" };

    private readonly Option<bool> _sensitivity = new("--prune-sensitivity") { Description = "Print the top-1 drop on --eval-data when each layer alone loses 25/50/75% of its channels (before any pruning asked for)." };

    private readonly Option<string> _criterion = new("--prune-criterion") { Description = "Channel importance: l1 (default), l2, bn (BatchNormalization scale), or taylor (|gradient x weight| of the loss on --data).", HelpName = "l1|l2|bn|taylor" };

    private readonly Option<bool> _global = new("--prune-global") { Description = "Rank channels (scores normalised per layer) or, with --sparsity R, weight magnitudes across layers instead of the same share per layer." };

    private readonly Option<int> _multiple = new("--channel-multiple") { Description = "Kept channel counts are multiples of N (default 8: SIMD and tensor-core friendly).", HelpName = "N", DefaultValueFactory = _ => 8 };

    private readonly Option<int> _minimum = new("--min-channels") { Description = "Every layer keeps at least N channels (default 8).", HelpName = "N", DefaultValueFactory = _ => 8 };

    private readonly Option<string[]> _exclude = new("--prune-exclude") { Description = "Keep the channels of these nodes or tensors (by name; repeatable).", HelpName = "NAME", AllowMultipleArgumentsPerToken = true };

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { _ratio, _flops, _sparsity, _sensitivity, _criterion, _global, _multiple, _minimum, _exclude })
        {
            command.Add(o);
        }

        command.Validators.Add(r =>
        {
            if (r.GetValue(_ratio) is not null && r.GetValue(_flops) is not null)
            {
                r.AddError("--prune-ratio and --prune-flops both set: give one");
            }

            if (r.GetValue(_ratio) is double ratio && !(ratio > 0 && ratio < 1))
            {
                r.AddError($"--prune-ratio {ratio}: must be between 0 and 1 (exclusive)");
            }

            if (r.GetValue(_flops) is double flops && !(flops > 0 && flops < 1))
            {
                r.AddError($"--prune-flops {flops}: must be between 0 and 1 (exclusive)");
            }

            if (r.GetValue(_sparsity) is { } sparsity && Sparsity(sparsity) is null)
            {
                r.AddError($"--sparsity {sparsity}: expected a share between 0 and 1 (exclusive) or 2:4");
            }

            if (r.GetValue(_criterion) is { } c && Criterion(c) is null)
            {
                r.AddError($"--prune-criterion {c}: expected l1, l2, bn or taylor");
            }

            if ((r.GetResult(_multiple) is not null && r.GetValue(_multiple) < 1) || (r.GetResult(_minimum) is not null && r.GetValue(_minimum) < 1))
            {
                r.AddError("--channel-multiple and --min-channels must be at least 1");
            }

            bool channels = r.GetValue(_ratio) is not null || r.GetValue(_flops) is not null || r.GetValue(_sensitivity);
            if (!channels && (r.GetResult(_criterion) ?? r.GetResult(_multiple) ?? (SymbolResult?)r.GetResult(_minimum)) is not null)
            {
                r.AddError("--prune-criterion, --channel-multiple and --min-channels need --prune-ratio, --prune-flops or --prune-sensitivity");
            }

            if (!IsSet(r) && !r.GetValue(_sensitivity) && (r.GetResult(_global) ?? (SymbolResult?)r.GetResult(_exclude)) is not null)
            {
                r.AddError("--prune-global and --prune-exclude need --prune-ratio, --prune-flops, --sparsity or --prune-sensitivity");
            }
        });
    }

    /// <summary>Whether the command line asks for pruning (of channels or of weights).</summary>
    public bool IsSet(CommandResult r) => r.GetValue(_ratio) is not null || r.GetValue(_flops) is not null || r.GetValue(_sparsity) is not null;

    public PruneSettings? Read(ParseResult parse, QatSettings? recovery) => !IsSet(parse.RootCommandResult) ? null : new PruneSettings
    {
        Options = parse.GetValue(_ratio) is null && parse.GetValue(_flops) is null ? null : Ranking(parse) with
        {
            Ratio = parse.GetValue(_ratio),
            FlopsReduction = parse.GetValue(_flops),
            Global = parse.GetValue(_global),
        },
        Sparsity = parse.GetValue(_sparsity) is { } sparsity ? Sparsity(sparsity)! with
        {
            Global = parse.GetValue(_global),
            Exclude = parse.GetValue(_exclude) ?? [],
        } : null,
        Recovery = recovery,
    };

    /// <summary>Whether channels are ranked by --prune-criterion taylor (which reads --data).</summary>
    public bool UsesTaylor(CommandResult r) => r.GetValue(_criterion) is { } c && Criterion(c) == PruningCriterion.Taylor;

    /// <summary>Whether --prune-sensitivity was given.</summary>
    public bool IsSensitivity(CommandResult r) => r.GetValue(_sensitivity);

    /// <summary>--prune-sensitivity: the ranking and rounding options the table prunes each layer by; null without it.</summary>
    public PruningOptions? ReadSensitivity(ParseResult parse) => !parse.GetValue(_sensitivity) ? null : Ranking(parse);

    /// <summary>How channels are ranked, rounded and excluded: what channel pruning and the sensitivity table share.</summary>
    private PruningOptions Ranking(ParseResult parse) => new()
    {
        Criterion = Criterion(parse.GetValue(_criterion) ?? "l1")!.Value,
        ChannelMultiple = parse.GetValue(_multiple),
        MinChannels = parse.GetValue(_minimum),
        Exclude = parse.GetValue(_exclude) ?? [],
    };

    /// <summary>"2:4", or a share in (0, 1) for unstructured sparsity; null for anything else.</summary>
    private static SparsityOptions? Sparsity(string text)
    {
        if (text.Trim() == "2:4")
        {
            return new SparsityOptions { Pattern = SparsityPattern.TwoOfFour };
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double share) && share > 0 && share < 1
            ? new SparsityOptions { Pattern = SparsityPattern.Unstructured, Sparsity = share }
            : null;
    }

    private static PruningCriterion? Criterion(string name) => name switch
    {
        "l1" => PruningCriterion.L1,
        "l2" => PruningCriterion.L2,
        "bn" => PruningCriterion.BatchNormScale,
        "taylor" => PruningCriterion.Taylor,
        _ => null,
    };
}
