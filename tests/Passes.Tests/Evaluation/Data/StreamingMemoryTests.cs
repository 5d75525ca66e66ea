// Checks that reading a whole image set streams: the managed heap stays near one batch, not the whole set.
using Onnxc.Evaluation.Data;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.Passes.Tests.Evaluation.Data;

[Collection(SerialCollection.Name)]
public sealed class StreamingMemoryTests(ITestOutputHelper output)
{
    /// <summary>
    /// All 1000 ImageNet images as 224x224 float tensors would take 1000·3·224·224·4 B = 602 MB; batches of 50 take
    /// 30 MB each. After every batch the live heap (after a full collection, so garbage from this or any other
    /// test does not count) is compared with the one before the first: it must grow by far less than the whole set.
    /// The test runs alone (<see cref="SerialCollection"/>), so no other test's live data lands in the difference.
    /// </summary>
    [SharedFact]
    [Trait("Category", "Slow")]
    public void ThousandImageNetImagesStreamInBoundedMemory()
    {
        var input = ModelInputSpec.Float32("data_0", -1, 3, 224, 224);
        var set = SampleSet.Open(SharedData.Data("imagenet_sample1000_r256"), [input], PreprocessOptions.Parse("channels=bgr;crop=224;mean=104,117,123"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peakGrowth = 0;
        int seen = 0;
        foreach (var batch in set.Batches(50))
        {
            seen += batch.Count;
            peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }

        Assert.Equal(1000, seen);
        output.WriteLine($"1000 images in {watch.Elapsed.TotalSeconds:F1} s, live heap grew by at most {peakGrowth / 1e6:F0} MB");
        Assert.True(peakGrowth < 200_000_000, $"live heap grew by {peakGrowth / 1e6:F0} MB: the reader is not streaming");
    }

    [SharedFact]
    public void OpeningANpySetReadsNoRowsBeyondTheFirst()
    {
        // cifar10/images.npy holds 30 MB of pixels; opening it checks the header, labels and row 0 only.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var set = SampleSet.Open(
            SharedData.Data("cifar10", "images.npy"), [ModelInputSpec.Float32("input", -1, 3, 32, 32)], PreprocessOptions.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10000, set.Count);
        Assert.True(allocated < 2_000_000, $"opening allocated {allocated} bytes");
    }

    [Fact]
    public void EarlierBatchesAreNotKeptAlive()
    {
        using var dir = new TempDir();
        NpyWriter.WriteUInt8(dir.File("images.npy"), [6, 8, 8, 3], new byte[6 * 8 * 8 * 3]);
        var set = SampleSet.Open(dir.File("images.npy"), [ModelInputSpec.Float32("x", -1, 3, 8, 8)], PreprocessOptions.None);
        using var batches = set.Batches(2).GetEnumerator();
        var first = FirstBatchData(batches);
        Assert.True(batches.MoveNext());
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(first.IsAlive, "the reader still holds a batch it has handed out and moved past");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference FirstBatchData(IEnumerator<SampleBatch> batches)
    {
        Assert.True(batches.MoveNext());
        return new WeakReference(batches.Current.Inputs[0].Data);
    }
}
