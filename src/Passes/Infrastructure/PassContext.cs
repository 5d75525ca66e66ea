// The state a pipeline run shares with its passes: options, log, instruments, services, rewrite statistics.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Analysis;
using Onnxc.Passes.Rewriting;

namespace Onnxc.Passes;

/// <summary>
/// What passes may read besides the model: the options, a log for diagnostics (--debug-rewrites, printed IR,
/// timings), services such as a calibration table or a target description (passes reach them only through here,
/// so every pass is testable without a GPU), and the statistics of every rewrite rule run so far.
/// </summary>
public sealed class PassContext
{
    private readonly Dictionary<Type, object> _services = [];

    public PassContext(PassOptions? options = null, TextWriter? log = null)
    {
        Options = options ?? PassOptions.Default;
        Log = log ?? TextWriter.Null;
    }

    public PassOptions Options { get; }

    /// <summary>Where diagnostics go; the driver hands it stderr.</summary>
    public TextWriter Log { get; }

    /// <summary>Extra instruments, run after the built-in ones the options ask for.</summary>
    public List<IPassInstrument> Instruments { get; } = [];

    /// <summary>Per-rule counts of every rewrite rule run in this context.</summary>
    public RewriteStatistics RewriteStatistics { get; } = new();

    /// <summary>How shapes are (re)computed before a pass that requires them. Replaceable for tests.</summary>
    public Action<Model> InferShapes { get; set; } = ShapeInference.Run;

    public bool IsDisabled(string name) => Options.DisabledPasses.Contains(name);

    /// <summary>The requirements (calibration, target) that the services given so far satisfy.</summary>
    public PassRequirements Provided { get; private set; }

    /// <summary>Gives passes a service; <paramref name="satisfies"/> says which pass requirement it meets, if any.</summary>
    public void SetService<T>(T service, PassRequirements satisfies = PassRequirements.None)
        where T : class
    {
        _services[typeof(T)] = service;
        Provided |= satisfies;
    }

    public T? TryGetService<T>()
        where T : class => _services.TryGetValue(typeof(T), out object? s) ? (T)s : null;

    public T GetService<T>()
        where T : class =>
        TryGetService<T>() ?? throw new InvalidOperationException($"no {typeof(T).Name} was given to this pipeline run");
}
