// What structured pruning is asked to do: how much, ranked how, rounded how, and what to leave alone.
namespace Onnxc.Passes.Pruning;

/// <summary>How a channel group's importance is measured.</summary>
public enum PruningCriterion
{
    /// <summary>Σ over the group's weight slices of mean |w| (each slice's mean, so wide fan-ins do not dominate).</summary>
    L1,

    /// <summary>Σ over the group's weight slices of the root-mean-square of w.</summary>
    L2,

    /// <summary>|γ| of the BatchNormalization that the group's channels pass through; L1 where there is none.</summary>
    BatchNormScale,

    /// <summary>
    /// First-order Taylor: |Σ g·w| over all the group's weight slices, g the mean gradient of the loss on a few
    /// labelled batches (<see cref="PruningOptions.Gradients"/>): the estimated change of the loss when the whole
    /// group is removed, coupled members included.
    /// </summary>
    Taylor,
}

/// <summary>
/// Exactly one of <see cref="Ratio"/> (the share of each layer's channels to remove) and <see cref="FlopsReduction"/>
/// (the share of MACs to remove; the ratio is searched) is set. Kept channel counts are multiples of
/// <see cref="ChannelMultiple"/> and at least <see cref="MinChannels"/>; a layer smaller than that is not pruned.
/// </summary>
public sealed record PruningOptions
{
    public double? Ratio { get; init; }

    public double? FlopsReduction { get; init; }

    public PruningCriterion Criterion { get; init; } = PruningCriterion.L1;

    public int ChannelMultiple { get; init; } = 8;

    public int MinChannels { get; init; } = 8;

    /// <summary>Rank groups across layers (scores normalised by each layer's mean) instead of the same ratio per layer.</summary>
    public bool Global { get; init; }

    /// <summary>Mean loss gradients by weight name, for <see cref="PruningCriterion.Taylor"/> (see <c>GradientProbe</c>).</summary>
    public IReadOnlyDictionary<string, float[]>? Gradients { get; init; }

    /// <summary>Node or tensor names whose channels are kept.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    public void Validate()
    {
        if ((Ratio is null) == (FlopsReduction is null))
        {
            throw new PruningException("give exactly one of --prune-ratio and --prune-flops");
        }

        if (Ratio is { } r && !(r > 0 && r < 1))
        {
            throw new PruningException($"--prune-ratio {r} is outside (0, 1)");
        }

        if (FlopsReduction is { } f && !(f > 0 && f < 1))
        {
            throw new PruningException($"--prune-flops {f} is outside (0, 1)");
        }

        if (ChannelMultiple < 1)
        {
            throw new PruningException($"--channel-multiple {ChannelMultiple} must be at least 1");
        }

        if (MinChannels < 1)
        {
            throw new PruningException($"--min-channels {MinChannels} must be at least 1");
        }

        if (Criterion == PruningCriterion.Taylor && Gradients is null)
        {
            throw new PruningException("the Taylor criterion needs the loss gradients (labelled --data)");
        }
    }
}
