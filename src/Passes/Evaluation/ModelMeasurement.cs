// What eval measured for one model file: size, accuracy, latency at batch 1 and B, memory.
using System.Text.Json.Serialization;

namespace Onnxc.Evaluation;

public sealed record ModelMeasurement(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("file_bytes")] long FileBytes,
    [property: JsonPropertyName("accuracy")] AccuracyResult? Accuracy,
    [property: JsonPropertyName("latency_batch1")] LatencyStats Batch1,
    [property: JsonPropertyName("latency_batchB")] LatencyStats BatchB,
    [property: JsonPropertyName("session_memory_bytes")] long SessionMemoryBytes);
