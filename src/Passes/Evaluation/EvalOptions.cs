// Options of `onnxc eval`: batch size for the batched timing, warm-up and timed runs, sample limit, comparison.
namespace Onnxc.Evaluation;

public sealed record EvalOptions
{
    /// <summary>Batch B of the batched latency and throughput (batch 1 is always timed too).</summary>
    public int BatchSize { get; init; } = 32;

    public int WarmupRuns { get; init; } = 5;

    public int TimedRuns { get; init; } = 30;

    /// <summary>Evaluate accuracy on this many samples spread evenly over the data (null: all).</summary>
    public int? Samples { get; init; }

    /// <summary><c>--compare</c>: per-layer SQNR of the model's activations against the baseline's.</summary>
    public bool CompareLayers { get; init; }

    /// <summary>Samples the layer comparison runs on.</summary>
    public int CompareSamples { get; init; } = 16;

    /// <summary><c>--profile</c>: ORT's per-op-type kernel times of the model (and baseline) at batch 1 and B.</summary>
    public bool Profile { get; init; }

    /// <summary>--provider: where ORT runs the models (the layer comparison always runs on the CPU).</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>ORT intra-op threads (0: ORT's default).</summary>
    public int Threads { get; init; }
}
