// The quantization-aware training flags of -O int8 --qat, read once from the command line.
namespace Onnxc.Compilation;

public sealed record QatSettings
{
    public required string DataPath { get; init; }

    public string? ValidationPath { get; init; }

    public int WeightBits { get; init; } = 8;

    public int Epochs { get; init; } = 1;

    public double LearningRate { get; init; } = 0.001;

    public int BatchSize { get; init; } = 64;

    public int? StepsPerEpoch { get; init; }

    public int CropPadding { get; init; }

    public bool Flip { get; init; }

    public int Seed { get; init; }

    public string? TeacherPath { get; init; }
}
