// The structured-pruning flags of the compile command (--prune-ratio / --prune-flops ...), read once from the command line.
using Onnxc.Passes.Pruning;

namespace Onnxc.Driver.Compilation;

internal sealed record PruneSettings
{
    public required PruningOptions Options { get; init; }

    /// <summary>--recover: fine-tune the pruned model on --data, distilling from the unpruned one (or --teacher).</summary>
    public QatSettings? Recovery { get; init; }
}
