// Tests of the pass manager: measured changes, disabled passes, fixed-point caps, requirements and instruments.
using Onnxc.GraphIR;
using static Onnxc.Passes.Tests.TestGraphs;

namespace Onnxc.Passes.Tests.Infrastructure;

public sealed class PassManagerTests
{
    /// <summary>A pass that adds a node each run until it has run <paramref name="changingRuns"/> times.</summary>
    private sealed class CountingPass(string name, int changingRuns, PassRequirements requires = PassRequirements.None) : Pass
    {
        public int Runs { get; private set; }

        public override string Name => name;

        public override string Description => "test pass";

        public override PassRequirements Requires => requires;

        public override void Run(Model model, PassContext context)
        {
            if (++Runs <= changingRuns)
            {
                model.Graph.AddNode("Relu", [model.Graph.Inputs[0]], 1);
            }
        }
    }

    private static Model Tiny()
    {
        Model m = NewModel();
        Output(m.Graph, Op(m.Graph, "Relu", [Input(m.Graph, "x", 2)]), Float(2));
        return m;
    }

    [Fact]
    public void ChangedIsMeasuredNotReported()
    {
        var changing = new CountingPass("a", 1);
        var idle = new CountingPass("b", 0);
        PassRunReport report = new PassManager().Add(changing).Add(idle).Run(Tiny(), Context());
        Assert.Equal([true, false], report.Results.Select(r => r.Changed));
        Assert.True(report.Results[0].Changes > 0);
        Assert.Equal(0, report.Results[1].Changes);
    }

    [Fact]
    public void FixedPointStopsWhenARoundChangesNothing()
    {
        var p = new CountingPass("a", 3);
        PassRunReport report = new PassManager().AddFixedPoint(p).Run(Tiny(), Context());
        Assert.Equal(4, p.Runs);
        Assert.Equal([1, 2, 3, 4], report.Results.Select(r => r.Iteration));
    }

    [Fact]
    public void FixedPointIsCapped()
    {
        var p = new CountingPass("a", 100);
        new PassManager().AddFixedPoint(p).Run(Tiny(), Context(new PassOptions { MaxFixedPointIterations = 5 }));
        Assert.Equal(5, p.Runs);
    }

    [Fact]
    public void DisabledPassesDoNotRun()
    {
        var p = new CountingPass("a", 1);
        var options = new PassOptions { DisabledPasses = ["a"] };
        PassRunReport report = new PassManager().Add(p).Run(Tiny(), Context(options));
        Assert.Equal(0, p.Runs);
        Assert.Empty(report.Results);
    }

    [Fact]
    public void ShapesAreInferredBeforePassesThatNeedThem()
    {
        int inferred = 0;
        PassContext context = Context();
        context.InferShapes = _ => inferred++;
        new PassManager().Add(new CountingPass("a", 0, PassRequirements.Shapes)).Add(new CountingPass("b", 0)).Run(Tiny(), context);
        Assert.Equal(1, inferred);
    }

    [Fact]
    public void MissingCalibrationIsAClearError()
    {
        var e = Assert.Throws<InvalidOperationException>(
            () => new PassManager().Add(new CountingPass("quantize", 0, PassRequirements.Calibration)).Run(Tiny(), Context()));
        Assert.Contains("quantize needs Calibration", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProvidedServicesSatisfyRequirements()
    {
        PassContext context = Context();
        context.SetService(new object(), PassRequirements.Calibration | PassRequirements.Target);
        var p = new CountingPass("q", 0, PassRequirements.Calibration | PassRequirements.Target);
        new PassManager().Add(p).Run(Tiny(), context);
        Assert.Equal(1, p.Runs);
    }

    [Fact]
    public void TimePassesPrintsATable()
    {
        var log = new StringWriter();
        new PassManager().Add(new CountingPass("some-pass", 1)).Run(Tiny(), Context(new PassOptions { TimePasses = true }, log));
        Assert.Contains("some-pass", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("total", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void InstrumentsSeeEveryPass()
    {
        var seen = new List<string>();
        PassContext context = Context();
        context.Instruments.Add(new RecordingInstrument(seen));
        new PassManager().Add(new CountingPass("a", 1)).Add(new CountingPass("b", 0)).Run(Tiny(), context);
        Assert.Equal(["before a", "after a changed", "before b", "after b unchanged"], seen);
    }

    [Fact]
    public void VerifyEachNamesThePassThatBrokeTheModel()
    {
        var breaking = new BreakingPass();
        var e = Assert.Throws<InvalidModelException>(
            () => new PassManager().Add(breaking).Run(Tiny(), Context(new PassOptions { VerifyEach = true })));
        Assert.Contains("after pass break-types", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrintIrAfterChangedPrintsOnlyChangingPasses()
    {
        var log = new StringWriter();
        var options = new PassOptions { PrintIrAfter = IrPrintSelection.Parse("changed") };
        new PassManager().Add(new CountingPass("a", 1)).Add(new CountingPass("b", 0)).Run(Tiny(), Context(options, log));
        string text = log.ToString();
        Assert.Contains("IR after a", text, StringComparison.Ordinal);
        Assert.DoesNotContain("IR after b", text, StringComparison.Ordinal);
        Assert.Contains("Relu", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PrintSelectionParsesNamesAllAndChanged()
    {
        Assert.Equal(IrPrintMode.All, IrPrintSelection.Parse("all").Mode);
        Assert.Equal(IrPrintMode.Changed, IrPrintSelection.Parse("changed").Mode);
        IrPrintSelection named = IrPrintSelection.Parse("fold-constants, fuse-local");
        Assert.True(named.Selects("fuse-local", changed: false));
        Assert.False(named.Selects("eliminate-dead-code", changed: true));
    }

    private sealed class RecordingInstrument(List<string> seen) : IPassInstrument
    {
        public void BeforePass(Pass pass, Model model) => seen.Add("before " + pass.Name);

        public void AfterPass(Pass pass, Model model, PassResult result) =>
            seen.Add($"after {pass.Name} {(result.Changed ? "changed" : "unchanged")}");
    }

    /// <summary>Makes a node read a value defined after it, which the verifier must reject.</summary>
    private sealed class BreakingPass : Pass
    {
        public override string Name => "break-types";

        public override string Description => "test pass that breaks topological order";

        public override void Run(Model model, PassContext context)
        {
            Graph g = model.Graph;
            Node first = g.Nodes[0];
            Node late = g.AddNode("Neg", [g.Inputs[0]], 1);
            g.SetInput(first, 0, late.Outputs[0]);
        }
    }
}
