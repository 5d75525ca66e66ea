// A test collection that runs alone, for tests that measure the process's memory.
namespace Onnxc.Passes.Tests;

/// <summary>Tests in this collection run after the parallel ones, one at a time, so the heap they measure is their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial: measures process memory";
}
