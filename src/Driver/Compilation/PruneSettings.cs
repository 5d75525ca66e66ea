// The pruning flags of the compile command (--prune-ratio / --prune-flops / --sparsity ...), read once from the command line.
using Onnxc.Passes.Pruning;

namespace Onnxc.Compilation;

/// <summary>What to prune and whether to recover: channels, then weight sparsity, then fine-tuning.</summary>
public sealed record PruneSettings
{
    /// <summary>Structured (channel) pruning; null when only --sparsity is asked for.</summary>
    public PruningOptions? Options { get; init; }

    /// <summary>--sparsity: magnitude zeros in the weights, after any channel pruning; null without it.</summary>
    public SparsityOptions? Sparsity { get; init; }

    /// <summary>--recover: fine-tune the pruned model on --data, distilling from the unpruned one (or --teacher).</summary>
    public QatSettings? Recovery { get; init; }
}
