// Round-trips the shared real models and compares ORT outputs on real, properly preprocessed inputs.
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.GraphIR.Tests.Conformance;

public sealed class SharedModelRoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new(SharedModelWorkload.ModelFiles);

    [SharedTheory]
    [MemberData(nameof(Models))]
    public void Round_tripped_model_gives_bit_identical_outputs_on_real_inputs(string modelFile)
    {
        SharedModelWorkload workload = SharedModelWorkload.For(modelFile);
        string original = SharedData.Model(modelFile);
        using var temp = new TempDir("onnxc-shared-roundtrip");
        string saved = ModelRoundTrip.Run(original, temp.Path);

        using var before = new OrtRunner(original);
        using var after = new OrtRunner(saved);
        Assert.Equal(before.InputNames, after.InputNames);
        Assert.Equal(before.OutputNames, after.OutputNames);
        var differences = new List<string>();
        for (int run = 0; run < workload.Runs.Count; run++)
        {
            IReadOnlyList<OrtTensor> expected = before.Run(workload.Runs[run]);
            IReadOnlyList<OrtTensor> actual = after.Run(workload.Runs[run]);
            for (int o = 0; o < expected.Count; o++)
            {
                if (expected[o].DescribeDifference(actual[o]) is { } d)
                {
                    differences.Add($"run {run}, output '{before.OutputNames[o]}': {d}");
                }
            }
        }

        output.WriteLine($"{modelFile}: {workload.Runs.Count} runs, {differences.Count} differing outputs");
        Assert.True(differences.Count == 0, $"{modelFile} round-tripped differs:\n" + string.Join("\n", differences));
    }

    [SharedTheory]
    [MemberData(nameof(Models))]
    public void Original_model_reproduces_the_reference_outputs(string modelFile)
    {
        SharedModelWorkload workload = SharedModelWorkload.For(modelFile);
        if (workload.ReferenceFile is null)
        {
            // Still run the model, so its input preprocessing is exercised, and check it ranks like the FP32 twin.
            output.WriteLine($"{modelFile}: no reference comparison: {workload.NoReferenceReason}");
            SharedModelWorkload fp32 = SharedModelWorkload.For(modelFile.Replace("fp16", "fp32", StringComparison.Ordinal));
            float[][] twin = fp32.ReadReference();
            using var half = new OrtRunner(SharedData.Model(modelFile));
            for (int run = 0; run < workload.Runs.Count; run++)
            {
                float[] probabilities = half.Run(workload.Runs[run])[0].ToFloats();
                Assert.Equal(ArgMax(twin[run]), ArgMax(probabilities));
            }

            return;
        }

        float[][] reference = workload.ReadReference();
        using var runner = new OrtRunner(SharedData.Model(modelFile));
        float[] produced = [.. workload.Runs.SelectMany(feed => runner.Run(feed)[0].ToFloats())];
        Assert.Equal(reference.Length * workload.Classes, produced.Length);

        float maxDiff = 0;
        int bitIdenticalRows = 0;
        var top1Changed = new List<int>();
        for (int row = 0; row < reference.Length; row++)
        {
            ReadOnlySpan<float> mine = produced.AsSpan(row * workload.Classes, workload.Classes);
            bitIdenticalRows += mine.SequenceEqual(reference[row]) ? 1 : 0;
            if (ArgMax(mine) != ArgMax(reference[row]))
            {
                top1Changed.Add(workload.ReferenceRows[row]);
            }

            for (int c = 0; c < workload.Classes; c++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(mine[c] - reference[row][c]));
            }
        }

        output.WriteLine($"{modelFile}: {reference.Length} samples vs {workload.ReferenceFile}: " +
            $"{bitIdenticalRows} rows bit-identical, max |diff| {maxDiff:G4} (bound {workload.ReferenceTolerance:G4}), " +
            $"{top1Changed.Count} top-1 changes");
        Assert.True(maxDiff <= workload.ReferenceTolerance, $"{modelFile}: max |diff| {maxDiff:G4} from the reference outputs");
        Assert.True(top1Changed.Count == 0, $"{modelFile}: top-1 differs from the reference on samples {string.Join(",", top1Changed)}");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
