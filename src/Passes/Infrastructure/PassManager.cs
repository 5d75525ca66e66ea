// Runs a pipeline of passes: skips disabled ones, prepares requirements, measures changes, iterates groups to a fixed point.
using System.Diagnostics;
using Onnxc.GraphIR;

namespace Onnxc.Passes;

/// <summary>
/// A pipeline: an ordered list of passes and fixed-point groups. <see cref="Run"/> measures each pass's changes
/// through <see cref="Model.ChangeCount"/> and calls the instruments the options ask for (IR printing,
/// verification) and those of the context.
/// </summary>
public sealed class PassManager
{
    private readonly List<Step> _steps = [];

    /// <param name="name">What the pipeline is, for the heading of its --time-passes table ("-O2", "-O int8").</param>
    public PassManager(string? name = null)
    {
        Name = name;
    }

    public string? Name { get; }

    /// <summary>Every pass of the pipeline in order (passes of groups included), for listings and tests.</summary>
    public IEnumerable<Pass> Passes => _steps.SelectMany(s => s.Passes);

    public PassManager Add(Pass pass)
    {
        _steps.Add(new Step([pass], null));
        return this;
    }

    /// <summary>
    /// Adds passes that run in turn, round after round, until a whole round changes nothing or
    /// <see cref="PassOptions.MaxFixedPointIterations"/> rounds have run.
    /// </summary>
    public PassManager AddFixedPoint(params Pass[] passes)
    {
        _steps.Add(new Step(passes, passes.Length));
        return this;
    }

    public PassRunReport Run(Model model, PassContext context)
    {
        var instruments = new List<IPassInstrument>();
        if (context.Options.VerifyEach)
        {
            instruments.Add(new VerifyEachInstrument());
        }

        if (context.Options.PrintIrAfter.Mode != IrPrintMode.None)
        {
            instruments.Add(new PrintIrInstrument(context.Options.PrintIrAfter, context.Log));
        }

        instruments.AddRange(context.Instruments);

        var results = new List<PassResult>();
        var total = Stopwatch.StartNew();
        foreach (Step step in _steps)
        {
            if (step.GroupSize is null)
            {
                RunOne(step.Passes[0], model, context, instruments, 0, results);
                continue;
            }

            for (int round = 1; round <= context.Options.MaxFixedPointIterations; round++)
            {
                bool changed = false;
                foreach (Pass pass in step.Passes)
                {
                    changed |= RunOne(pass, model, context, instruments, round, results);
                }

                if (!changed)
                {
                    break;
                }
            }
        }

        var report = new PassRunReport(results, total.Elapsed);
        if (context.Options.TimePasses)
        {
            context.Log.Write(report.FormatTimings(Name));
        }

        if (context.Options.DebugRewrites && context.RewriteStatistics.Rules.Count > 0)
        {
            context.Log.Write(context.RewriteStatistics.Format());
        }

        return report;
    }

    private static bool RunOne(Pass pass, Model model, PassContext context, List<IPassInstrument> instruments, int round, List<PassResult> results)
    {
        if (context.IsDisabled(pass.Name))
        {
            return false;
        }

        foreach (IPassInstrument i in instruments)
        {
            i.BeforePass(pass, model);
        }

        long before = model.ChangeCount;
        var watch = Stopwatch.StartNew();
        Prepare(pass, model, context);
        pass.Run(model, context);
        long changes = model.ChangeCount - before;
        var result = new PassResult(pass.Name, changes > 0, changes, watch.Elapsed, round);
        results.Add(result);
        foreach (IPassInstrument i in instruments)
        {
            i.AfterPass(pass, model, result);
        }

        return result.Changed;
    }

    private static void Prepare(Pass pass, Model model, PassContext context)
    {
        if (pass.Requires.HasFlag(PassRequirements.Shapes))
        {
            // Types are derived facts: inference does not move the change counter.
            context.InferShapes(model);
        }

        PassRequirements missing = pass.Requires & ~PassRequirements.Shapes & ~context.Provided;
        if (missing != PassRequirements.None)
        {
            throw new InvalidOperationException($"pass {pass.Name} needs {missing} and this run was given none");
        }
    }

    private sealed record Step(Pass[] Passes, int? GroupSize);
}
