// Checks one model: ORT on the original vs ORT on the round-tripped copy, bit for bit, on the suite's inputs.
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Onnxc.TestSupport;

namespace Onnxc.GraphIR.Tests.Conformance;

/// <summary>
/// The per-model check of the conformance suite. The original is run first and twice on each data set: a model
/// ORT cannot load or run, or whose two runs differ (random ops), has no reference to compare against and is
/// counted as not runnable, with the reason. Only then is the model round-tripped and the copy run on the same
/// inputs; any output byte that differs is a mismatch.
/// </summary>
public static partial class RoundTripConformance
{
    /// <summary>Runs the check; <paramref name="roundTrip"/> maps (model path, empty folder) to the saved model's path.</summary>
    public static ConformanceResult Check(ConformanceCase testCase, Func<string, string, string> roundTrip)
    {
        IReadOnlyList<OrtTestDataSet> dataSets = OrtTestDataSet.ForModel(testCase.ModelPath);
        if (dataSets.Count == 0)
        {
            return new(testCase, ConformanceOutcome.Skipped, "no test data", "no test_data_set_* folder");
        }

        var reference = new List<IReadOnlyList<OrtTensor>>();
        var inputs = new List<IReadOnlyDictionary<string, OrtTensor>>();
        IReadOnlyList<string> inputNames;
        IReadOnlyList<string> outputNames;
        bool freshSessionPerRun = false;
        string phase = "load";
        try
        {
            using (var original = new OrtRunner(testCase.ModelPath))
            {
                if (original.NonTensorReason is not null)
                {
                    return new(testCase, ConformanceOutcome.Skipped, NonTensorCategory(original.NonTensorReason), original.NonTensorReason);
                }

                inputNames = original.InputNames;
                outputNames = original.OutputNames;
                phase = "run";
                foreach (OrtTestDataSet set in dataSets)
                {
                    IReadOnlyDictionary<string, OrtTensor> feed = set.InputsFor(original);
                    IReadOnlyList<OrtTensor> first = original.Run(feed);
                    freshSessionPerRun |= FirstDifference(first, original.Run(feed), outputNames) is not null;
                    inputs.Add(feed);
                    reference.Add(first);
                }
            }

            if (freshSessionPerRun)
            {
                // Seeded random ops advance their generator on every run, so a session's second run differs from
                // its first; a fresh session repeats the first. Such models are compared one fresh session per run,
                // and they count as nondeterministic only when two fresh sessions disagree (unseeded random ops).
                for (int i = 0; i < inputs.Count; i++)
                {
                    reference[i] = RunFresh(testCase.ModelPath, inputs[i]);
                    if (FirstDifference(reference[i], RunFresh(testCase.ModelPath, inputs[i]), outputNames) is { } unstable)
                    {
                        return new(testCase, ConformanceOutcome.NotRunnableByOrt, "nondeterministic outputs", unstable);
                    }
                }
            }
        }
        catch (Exception e) when (e is OnnxRuntimeException or OrtUnsupportedValueException or InvalidDataException
            or NotSupportedException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return new(testCase, ConformanceOutcome.NotRunnableByOrt, phase + ": " + OrtCategory(e), OneLine(e));
        }

        using var temp = new TempDir("onnxc-conformance");
        string saved;
        try
        {
            saved = roundTrip(testCase.ModelPath, temp.Path);
        }
        catch (Exception e)
        {
            return new(testCase, ConformanceOutcome.RoundTripFailed, "load/save: " + e.GetType().Name, OneLine(e));
        }

        try
        {
            using var copy = new OrtRunner(saved);
            if (!copy.InputNames.SequenceEqual(inputNames) || !copy.OutputNames.SequenceEqual(outputNames))
            {
                return new(testCase, ConformanceOutcome.Mismatched, "interface changed",
                    $"inputs ({string.Join(",", inputNames)}) -> ({string.Join(",", copy.InputNames)}), " +
                    $"outputs ({string.Join(",", outputNames)}) -> ({string.Join(",", copy.OutputNames)})");
            }

            for (int i = 0; i < inputs.Count; i++)
            {
                IReadOnlyList<OrtTensor> outputs = freshSessionPerRun ? RunFresh(saved, inputs[i]) : copy.Run(inputs[i]);
                if (FirstDifference(reference[i], outputs, outputNames) is { } diff)
                {
                    return new(testCase, ConformanceOutcome.Mismatched, "output bytes differ",
                        $"{Path.GetFileName(dataSets[i].Folder)}: {diff}");
                }
            }
        }
        catch (Exception e) when (e is OnnxRuntimeException or OrtUnsupportedValueException)
        {
            return new(testCase, ConformanceOutcome.RoundTripFailed, "saved model: " + OrtCategory(e), OneLine(e));
        }

        return new(testCase, ConformanceOutcome.BitIdentical, "", "");
    }

    private static IReadOnlyList<OrtTensor> RunFresh(string modelPath, IReadOnlyDictionary<string, OrtTensor> feed) =>
        OrtRunner.RunOnce(modelPath, feed);

    private static string? FirstDifference(IReadOnlyList<OrtTensor> a, IReadOnlyList<OrtTensor> b, IReadOnlyList<string> names)
    {
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i].DescribeDifference(b[i]) is { } d)
            {
                return $"output '{names[i]}' {d}";
            }
        }

        return null;
    }

    /// <summary>ORT's status code ("NOT_IMPLEMENTED") keeps the histogram short; the detail keeps the message.</summary>
    private static string OrtCategory(Exception e)
    {
        if (e is OnnxRuntimeException)
        {
            Match m = ErrorCode().Match(e.Message);
            return "ORT " + (m.Success ? m.Groups[1].Value : "error");
        }

        return e is OrtUnsupportedValueException ? NonTensorCategory(e.Message) : "test data: " + e.GetType().Name;
    }

    private static string NonTensorCategory(string reason) => "non-tensor value: " + reason.Split(' ')[^1];

    private static string OneLine(Exception e)
    {
        string message = e.GetType().Name + ": " + e.Message.ReplaceLineEndings(" ");
        return message.Length > 400 ? message[..400] + "..." : message;
    }

    [GeneratedRegex(@"\[ErrorCode:(\w+)\]")]
    private static partial Regex ErrorCode();
}
