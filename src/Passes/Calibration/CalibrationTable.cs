// The immutable result of calibration: one range per tensor, serializable as JSON so it can be cached.
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Onnxc.Passes.Calibration;

/// <summary>
/// Ranges by tensor name, with how they were chosen. Immutable; <see cref="ToJson"/>/<see cref="FromJson"/> round
/// trip exactly (floats are written with full precision), so a cached table gives the same quantized model.
/// </summary>
public sealed class CalibrationTable
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public CalibrationTable(CalibrationMethod method, double? percentile, int sampleCount, IEnumerable<KeyValuePair<string, TensorRange>> ranges)
    {
        Method = method;
        Percentile = method == CalibrationMethod.Percentile ? percentile ?? RangeObservers.DefaultPercentile : null;
        SampleCount = sampleCount;
        Ranges = ranges.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    public CalibrationMethod Method { get; }

    /// <summary>The percentile used, for <see cref="CalibrationMethod.Percentile"/> only.</summary>
    public double? Percentile { get; }

    /// <summary>How many samples were observed.</summary>
    public int SampleCount { get; }

    public ImmutableSortedDictionary<string, TensorRange> Ranges { get; }

    /// <summary>The range of <paramref name="tensor"/>, or null when it was not calibrated.</summary>
    public TensorRange? Find(string tensor) => Ranges.GetValueOrDefault(tensor);

    /// <summary>The observer as written on the command line: minmax, percentile:P, entropy, mse.</summary>
    public string MethodText => CalibrationOptions.FormatMethod(Method, Percentile);

    public string ToJson() => JsonSerializer.Serialize(new Document(1, MethodText, SampleCount, Ranges), s_json);

    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>Reads a table written by <see cref="ToJson"/>; a malformed one is an <see cref="InvalidDataException"/>.</summary>
    public static CalibrationTable FromJson(string json)
    {
        Document? doc;
        try
        {
            doc = JsonSerializer.Deserialize<Document>(json, s_json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not a calibration table: {e.Message}", e);
        }

        if (doc is null || doc.Version != 1 || doc.Ranges is null)
        {
            throw new InvalidDataException("not a calibration table (version 1 with 'ranges' expected)");
        }

        (CalibrationMethod method, double? percentile) = CalibrationOptions.ParseMethod(doc.Method);
        return new CalibrationTable(method, percentile, doc.Samples, doc.Ranges);
    }

    public static CalibrationTable Load(string path) => FromJson(File.ReadAllText(path));

    private sealed record Document(
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("method")] string Method,
        [property: JsonPropertyName("samples")] int Samples,
        [property: JsonPropertyName("ranges")] IReadOnlyDictionary<string, TensorRange> Ranges);
}
