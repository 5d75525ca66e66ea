// Round-trips a model with over 2 GiB of external weights and checks it streams them instead of holding them.
using System.Diagnostics;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.GraphIR.Tests.Conformance;

[Collection(SerialCollection.Name)]
public sealed class ExternalDataRoundTripTests(ITestOutputHelper output)
{
    /// <summary>
    /// Load/Save of a model with 2.13 GiB of external weights (one tensor of 2.125 GiB) must keep the weights on
    /// disk: the importer leaves external tensors in their file and the exporter copies them in chunks, so the
    /// peak resident memory of Load+Save stays far below one copy of the weights. The saved data must hold the
    /// same bytes for every tensor, and ORT must run the saved model and give the values the generator wrote.
    /// </summary>
    [LargeDiskFact(gibibytesNeeded: 5)]
    [Trait("Category", "Slow")]
    public void Model_with_over_2_GiB_of_external_weights_round_trips_streaming()
    {
        using var temp = new TempDir("onnxc-external-2gib");
        string sourceFolder = Directory.CreateDirectory(temp.File("source")).FullName;
        string savedFolder = Directory.CreateDirectory(temp.File("saved")).FullName;
        var clock = Stopwatch.StartNew();
        string source = LargeExternalModel.Write(sourceFolder);
        Dictionary<string, string> sourceHashes = LargeExternalModel.HashInitializers(source);
        output.WriteLine($"wrote and hashed {LargeExternalModel.TotalWeightBytes / (1 << 20)} MiB of weights in {clock.ElapsedMilliseconds} ms");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long residentBefore = ProcessMemory.ResidentBytes();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        ProcessMemory.ResetPeak();
        clock.Restart();
        Model model = OnnxImporter.Load(source);
        long loadMs = clock.ElapsedMilliseconds;
        string saved = Path.Combine(savedFolder, "model.onnx");
        OnnxExporter.Save(model, saved, new OnnxSaveOptions { ExternalData = ExternalDataMode.Auto });
        long saveMs = clock.ElapsedMilliseconds - loadMs;
        long peakGrowth = ProcessMemory.PeakResidentBytes() - residentBefore;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        GC.KeepAlive(model);

        output.WriteLine($"load {loadMs} ms, save {saveMs} ms; peak resident growth {peakGrowth / (1 << 20)} MiB " +
            $"({(ProcessMemory.CanResetPeak ? "peak of Load+Save alone" : "process lifetime peak, an upper bound")}), " +
            $"managed allocations {allocated / (1 << 20)} MiB, GC heap {gc.HeapSizeBytes / (1 << 20)} MiB, " +
            $"resident before {residentBefore / (1 << 20)} MiB; weights {LargeExternalModel.TotalWeightBytes / (1 << 20)} MiB");

        Assert.True(new FileInfo(saved).Length < 1 << 20, $"the saved model holds the weights inline: {new FileInfo(saved).Length} bytes");
        Dictionary<string, string> savedHashes = LargeExternalModel.HashInitializers(saved);
        Assert.Equal(sourceHashes.OrderBy(p => p.Key), savedHashes.OrderBy(p => p.Key));
        Assert.True(peakGrowth < LargeExternalModel.TotalWeightBytes / 8,
            $"Load+Save grew the resident set by {peakGrowth / (1 << 20)} MiB for {LargeExternalModel.TotalWeightBytes / (1 << 20)} MiB of weights: they were held in memory");

        // The saved model runs, and gathers exactly the generated elements, including past 2^31 bytes.
        clock.Restart();
        var feed = new Dictionary<string, OrtTensor>();
        for (int t = 0; t < LargeExternalModel.Weights.Count; t++)
        {
            feed["idx_" + LargeExternalModel.Weights[t].Name[2..]] = OrtTensor.FromInt64s([LargeExternalModel.IndexCount], LargeExternalModel.Indices(t));
        }

        IReadOnlyList<OrtTensor> fromSaved = OrtRunner.RunOnce(saved, feed);
        for (int t = 0; t < LargeExternalModel.Weights.Count; t++)
        {
            float[] expected = [.. LargeExternalModel.Indices(t).Select(i => LargeExternalModel.Element(t, i))];
            Assert.Equal(expected, fromSaved[t].ToFloats());
        }

        IReadOnlyList<OrtTensor> fromSource = OrtRunner.RunOnce(source, feed);
        Assert.All(fromSource.Zip(fromSaved), p => Assert.True(p.First.BitEquals(p.Second)));
        output.WriteLine($"ORT ran the source and the saved model in {clock.ElapsedMilliseconds} ms");
    }
}
