// Kernel tests share one accelerator per device; launches on a stream must not interleave across tests.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
