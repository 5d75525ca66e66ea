// Cli.ReadCompileOptions from MSBuild item metadata: every compile option by its PascalCase name, checked as the command checks it.
using Onnxc.Compilation;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests.Compilation;

public sealed class ItemMetadataTests
{
    private static readonly string s_model = ShippedModel.Model;

    private static CompileOptions Read(params (string Name, string Value)[] metadata) =>
        Cli.ReadCompileOptions(s_model, "out.onnx", metadata.Select(m => new KeyValuePair<string, string>(m.Name, m.Value)));

    [Fact]
    public void NamesMapToTheCommandsOptions()
    {
        CompileOptions o = Read(("Optimization", "int8"), ("Calibration", "cal.npy"), ("Preprocess", "scale=0.5;mean=1,2,3"),
            ("CalibrationSamples", "64"), ("Format", "qoperator"), ("Activations", "s8"), ("NoSpeedCheck", "true"),
            ("Exclude", "conv1; Gemm"), ("PerTensor", "false"), ("Target", ""));

        Assert.Equal(OptimizationLevel.Int8, o.Level);
        Assert.Equal("out.onnx", o.OutputPath);
        Int8Settings s = o.Int8!;
        Assert.Equal("cal.npy", s.CalibrationPath);
        // A semicolon inside a single-valued option is part of its value; a repeatable one is split on it.
        Assert.Equal("scale=0.5;mean=1,2,3", s.Preprocess);
        Assert.Equal(["conv1", "Gemm"], s.Exclude);
        Assert.Equal(64, s.CalibrationSamples);
        Assert.Equal(QuantFormat.QOperator, s.Format);
        Assert.Equal(ElementType.Int8, s.Activations);
        Assert.True(s.NoSpeedCheck);
        Assert.False(s.PerTensorWeights);
        Assert.Equal("cpu", s.Target);
    }

    [Theory]
    [InlineData("Calibrashun", "x", "metadata Calibrashun: onnxc has no compile option --calibrashun")]
    [InlineData("NoSpeedCheck", "yes", "NoSpeedCheck=\"yes\": --no-speed-check is a flag, true or false")]
    [InlineData("CalibrationSamples", "-3", "--calibration-samples must be a positive number")]
    [InlineData("Optimization", "9", "-O 9: unsupported optimization level")]
    [InlineData("ListPasses", "true", "no compile option --list-passes")]
    [InlineData("Output", "x.onnx", "no compile option --output")]
    public void MistakesAreArgumentExceptionsWithTheCommandsMessage(string name, string value, string message)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Read((name, value)));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
