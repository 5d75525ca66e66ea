// --goal: parsing every metric and operator, refusing malformed terms by name, and the verdict line.
using Onnxc.Evaluation;

namespace Onnxc.Passes.Tests.Evaluation;

public sealed class GoalTests
{
    private static readonly EvalRatios Measured = new(Size: 0.25, SpeedupBatch1: 1.4, SpeedupBatchB: 2.31, Top1Drop: 0.42, Top1Agreement: 99);

    [Fact]
    public void ParsesEveryMetricAndOperator()
    {
        Goal g = Goal.Parse("speedup>=2, drop<3 ,size<=0.5,speedup1>1.2x,macs>=2");
        Assert.Equal(
            [
                new GoalTerm(GoalMetric.Speedup, true, false, 2), new GoalTerm(GoalMetric.Drop, false, true, 3),
                new GoalTerm(GoalMetric.Size, false, false, 0.5), new GoalTerm(GoalMetric.Speedup1, true, true, 1.2),
                new GoalTerm(GoalMetric.Macs, true, false, 2),
            ],
            g.Terms);
        Assert.Equal("speedup>=2,drop<3,size<=0.5,speedup1>1.2,macs>=2", string.Join(",", g.Terms));
    }

    [Fact]
    public void MetGoalSaysSoWithTheNumbers()
    {
        GoalVerdict v = Goal.Parse("speedup>=2,drop<=3").Check(Goal.Measured(Measured));
        Assert.True(v.Met);
        Assert.Equal("goal speedup>=2,drop<=3: met (speedup 2.31x; drop 0.42)", v.Line);
    }

    [Fact]
    public void MissedGoalNamesEveryTermThatMissedAndTheBound()
    {
        GoalVerdict v = Goal.Parse("speedup1>=1.5,drop<=0.4,size<0.25").Check(Goal.Measured(Measured));
        Assert.False(v.Met);
        Assert.Equal("goal speedup1>=1.5,drop<=0.4,size<0.25: missed (speedup1 1.40x, wanted >=1.50x; drop 0.42, wanted <=0.40; size 0.25x, wanted <0.25x)", v.Line);
    }

    [Fact]
    public void AMetricThatWasNotMeasuredIsNotMet()
    {
        GoalVerdict v = Goal.Parse("macs>=2,drop<=1").Check(Goal.Measured(Measured with { Top1Drop = null }));
        Assert.False(v.Met);
        Assert.Equal("goal macs>=2,drop<=1: missed (macs not measured; drop not measured)", v.Line);
        Assert.True(Goal.Parse("macs>=2").Check(Goal.Measured(Measured, 300, 100)).Met);
    }

    [Theory]
    [InlineData("speedup", "is not METRIC>=N")]
    [InlineData("latency<=3", "unknown metric 'latency'")]
    [InlineData("drop<=three", "'three' is not a number")]
    [InlineData("drop<=1,drop<=2", "drop is already bounded")]
    [InlineData(">=2", "is not METRIC>=N")]
    [InlineData("speedup>=inf", "'inf' is not a number")]
    public void MalformedGoalsAreRefusedSayingWhich(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => Goal.Parse(text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
