// The --preprocess option: parsed once into an immutable record that the image pipeline applies.
using System.Globalization;

namespace Onnxc.Evaluation.Data;

/// <summary>
/// How images (and arrays) become model input, in the syntax
/// <c>scale=S;mean=a,b,c;std=a,b,c;channels=rgb|bgr;resize=N;crop=H</c>, every part optional, parts in any order.
/// The steps always run in this order, whatever the order in the string:
/// decode → <see cref="Resize"/> (short side to N, bilinear) → <see cref="Crop"/> (centre H×H) →
/// <see cref="Channels"/> → x·<see cref="Scale"/> → (x − <see cref="Mean"/>[c]) / <see cref="Std"/>[c] → model layout.
/// Mean and std are indexed by the channel after reordering, so with <c>channels=bgr</c> they are given in
/// B,G,R order. One mean or std value applies to every channel.
/// </summary>
public sealed record PreprocessOptions
{
    /// <summary>No preprocessing: pixels (or array values) go to the model as they are, as float32.</summary>
    public static PreprocessOptions None { get; } = new();

    /// <summary>Multiplier applied first (in double, rounded once to float32).</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Per-channel (or one shared) mean; empty for none.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [];

    /// <summary>Per-channel (or one shared) standard deviation; empty for none.</summary>
    public IReadOnlyList<float> Std { get; init; } = [];

    public ChannelOrder Channels { get; init; } = ChannelOrder.Rgb;

    /// <summary>Target length of the short side, or null to keep the size.</summary>
    public int? Resize { get; init; }

    /// <summary>Side of the centre square crop, or null for no crop.</summary>
    public int? Crop { get; init; }

    /// <summary>True when the options change geometry or channel order, which only image-like data allows.</summary>
    public bool NeedsImageLayout => Resize is not null || Crop is not null || Channels != ChannelOrder.Rgb;

    /// <summary>
    /// Parses the option text. Null, empty or blank text means <see cref="None"/>. Throws
    /// <see cref="SampleDataException"/> for an unknown or repeated key, a value that is not a number, a
    /// non-finite or zero scale, a std that is not positive, or a resize/crop that is not a positive integer.
    /// </summary>
    public static PreprocessOptions Parse(string? text)
    {
        var options = None;
        if (string.IsNullOrWhiteSpace(text))
        {
            return options;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string rawPart in text.Split(';'))
        {
            string part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            int eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw Bad(text, $"'{part}' is not key=value");
            }

            string key = part[..eq].Trim().ToLowerInvariant();
            string value = part[(eq + 1)..].Trim();
            if (!seen.Add(key))
            {
                throw Bad(text, $"'{key}' is given twice");
            }

            options = key switch
            {
                "scale" => options with { Scale = ParseScale(text, value) },
                "mean" => options with { Mean = ParseList(text, key, value, requirePositive: false) },
                "std" => options with { Std = ParseList(text, key, value, requirePositive: true) },
                "channels" => options with { Channels = ParseChannels(text, value) },
                "resize" => options with { Resize = ParseSize(text, key, value) },
                "crop" => options with { Crop = ParseSize(text, key, value) },
                _ => throw Bad(text, $"unknown key '{key}' (expected scale, mean, std, channels, resize, crop)"),
            };
        }

        return options;
    }

    /// <summary>The canonical text of these options (parts in pipeline order), which <see cref="Parse"/> reads back.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Resize is int r)
        {
            parts.Add($"resize={r}");
        }

        if (Crop is int c)
        {
            parts.Add($"crop={c}");
        }

        if (Channels != ChannelOrder.Rgb)
        {
            parts.Add("channels=bgr");
        }

        if (Scale != 1.0)
        {
            parts.Add("scale=" + Scale.ToString("R", CultureInfo.InvariantCulture));
        }

        if (Mean.Count > 0)
        {
            parts.Add("mean=" + string.Join(",", Mean.Select(m => m.ToString("R", CultureInfo.InvariantCulture))));
        }

        if (Std.Count > 0)
        {
            parts.Add("std=" + string.Join(",", Std.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
        }

        return string.Join(";", parts);
    }

    // Records compare list members by reference; value equality is what tests and caching want.
    public bool Equals(PreprocessOptions? other) =>
        other is not null
        && Scale.Equals(other.Scale)
        && Mean.SequenceEqual(other.Mean)
        && Std.SequenceEqual(other.Std)
        && Channels == other.Channels
        && Resize == other.Resize
        && Crop == other.Crop;

    public override int GetHashCode() =>
        HashCode.Combine(Scale, Mean.Count, Std.Count, Channels, Resize, Crop);

    private static double ParseScale(string text, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double scale)
            || !double.IsFinite(scale))
        {
            throw Bad(text, $"scale value '{value}' is not a finite number");
        }

        if (scale == 0.0)
        {
            throw Bad(text, "scale must not be 0");
        }

        return scale;
    }

    private static float[] ParseList(string text, string key, string value, bool requirePositive)
    {
        string[] items = value.Split(',');
        var result = new float[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            result[i] = ParseFloat(text, key, items[i].Trim());
            if (requirePositive && result[i] <= 0f)
            {
                throw Bad(text, $"{key} values must be positive, got {items[i].Trim()}");
            }
        }

        return result;
    }

    private static float ParseFloat(string text, string key, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            || !double.IsFinite(d) || !float.IsFinite((float)d))
        {
            throw Bad(text, $"{key} value '{value}' is not a finite number");
        }

        return (float)d;
    }

    private static ChannelOrder ParseChannels(string text, string value) =>
        value.ToLowerInvariant() switch
        {
            "rgb" => ChannelOrder.Rgb,
            "bgr" => ChannelOrder.Bgr,
            _ => throw Bad(text, $"channels must be rgb or bgr, got '{value}'"),
        };

    private static int ParseSize(string text, string key, string value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size <= 0)
        {
            throw Bad(text, $"{key} must be a positive integer, got '{value}'");
        }

        return size;
    }

    private static SampleDataException Bad(string text, string why) =>
        new($"--preprocess \"{text}\": {why}");
}
