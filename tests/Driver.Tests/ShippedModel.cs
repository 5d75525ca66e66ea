// The default model in models/ and its shipped data, as the README's commands use them.
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

internal static class ShippedModel
{
    public static string Model { get; } = Path.Combine(SharedData.RepoRoot, "models", "shapes-cnn.onnx");

    public static string Calibration { get; } = Path.Combine(SharedData.RepoRoot, "models", "shapes-calib", "images.npy");

    public static string Test { get; } = Path.Combine(SharedData.RepoRoot, "models", "shapes-test", "images.npy");

    /// <summary>x = pixel / 255.</summary>
    public const string Preprocess = "scale=0.00392156862745098";
}
