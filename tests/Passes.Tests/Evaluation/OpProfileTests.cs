// ORT's profiler summed per op type: the trace parser on a known trace, and a real profile that leaves no files behind.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Tests.Quantization;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Evaluation;

public sealed class OpProfileTests
{
    private static string Node(string name, string op, double dur) =>
        $$$"""{"cat":"Node","name":"{{{name}}}_kernel_time","dur":{{{dur}}},"args":{"op_name":"{{{op}}}"}}""";

    private static string Run(double dur) => $$$"""{"cat":"Session","name":"model_run","dur":{{{dur}}}}""";

    [Fact]
    public void NodeEventsBelongToTheRunThatFollowsThemAndWarmupRunsAreDropped()
    {
        // ORT logs model_run when a run ends: run 1 (warm-up) is slow, runs 2 and 3 are what counts.
        string trace = "[" + string.Join(",",
            Node("a", "Conv", 900), Node("b", "Relu", 900), Run(2000),
            Node("a", "Conv", 300), Node("b", "Relu", 100), Node("c", "Conv", 100), Run(600),
            Node("a", "Conv", 500), Node("b", "Relu", 100), Node("c", "Conv", 100), Run(800),
            """{"cat":"Session","name":"session_initialization","dur":5}""") + "]";

        OpProfile p = OpProfile.Parse(trace, skipRuns: 1);

        Assert.Equal(["Conv", "Relu"], p.Ops.Select(o => o.OpType));
        Assert.Equal(2, p.Ops[0].Nodes);
        Assert.Equal(0.5, p.Ops[0].MillisecondsPerRun, 6);   // median of 0.4 and 0.6 ms
        Assert.Equal(0.1, p.Ops[1].MillisecondsPerRun, 6);
        Assert.Equal(0.7, p.RunMilliseconds, 6);
        Assert.Equal(0.6, p.KernelMilliseconds, 6);
    }

    [Fact]
    public void AProfileOfARealModelNamesItsOpsAndLeavesNoTraceBehind()
    {
        using var tmp = new TempDir();
        Model model = TinyModels.ConvNet();
        SampleSet data = TinyModels.Samples(tmp.Path, model, [3, 8, 8], 4, seed: 1);
        string[] before = Directory.GetFiles(Directory.GetCurrentDirectory(), "onnxruntime_profile*");

        OpProfile p = OpProfile.Measure(model, data.Batches(4, data.Count).First(), runs: 3);

        Assert.Contains(p.Ops, o => o.OpType.Contains("Conv", StringComparison.Ordinal));
        Assert.True(p.RunMilliseconds > 0 && p.KernelMilliseconds > 0);
        Assert.Equal(before, Directory.GetFiles(Directory.GetCurrentDirectory(), "onnxruntime_profile*"));
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), "onnxc-profile-*"));
    }
}
