// Float fallback kernels and plan serialization, run through PlanRuntime on the CPU accelerator.
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Float;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Kernels.Tests.Runtime;

public class PlanRuntimeTests
{
    /// <summary>x[2,3,4] -> transpose(0,2,1) -> + bias[3] (broadcast) -> softmax(axis 2) -> quantize -> dequantize.</summary>
    private static ExecutionPlan SmallPlan(float[] bias)
    {
        var q = new QuantParams(1f / 255, 0, QuantElementType.UInt8);
        var tensors = new List<PlanTensor>
        {
            new(0, "x", PlanElementType.Float32, [2, 3, 4], PlanLayout.Logical, null),
            new(1, "xt", PlanElementType.Float32, [2, 4, 3], PlanLayout.Logical, null),
            new(2, "bias", PlanElementType.Float32, [3], PlanLayout.Logical, null),
            new(3, "sum", PlanElementType.Float32, [2, 4, 3], PlanLayout.Logical, null),
            new(4, "soft", PlanElementType.Float32, [2, 4, 3], PlanLayout.Logical, null),
            new(5, "q", PlanElementType.UInt8, [2, 4, 3], PlanLayout.Logical, q),
            new(6, "y", PlanElementType.Float32, [2, 4, 3], PlanLayout.Logical, null),
        };
        var transpose = StridedCopyArgs.Create([2, 4, 3], [0, 0, 0], [1, 1, 1], [2, 4, 3], [12, 1, 4], [12, 3, 1], 0);
        var add = new ElementwiseArgs { Kind = (int)FloatBinaryKind.Add, D0 = 1, D1 = 1, D2 = 1, D3 = 2, D4 = 4, D5 = 3, SA3 = 12, SA4 = 3, SA5 = 1, SB5 = 1 };
        var biasBytes = new byte[12];
        Buffer.BlockCopy(bias, 0, biasBytes, 0, 12);
        var steps = new List<PlanStep>
        {
            new StridedCopyStep("t", "transpose", [0], 1, [transpose], 0, false),
            new ConstantStep("bias", 2, biasBytes),
            new FloatBinaryStep("add", 1, 2, 3, add),
            new SoftmaxStep("softmax", 3, 4, new SoftmaxArgs { Outer = 8, Axis = 3, Inner = 1 }),
            new QuantizeStep("q", 4, 5, q),
            new DequantizeStep("dq", 5, 6, q),
        };
        long arena = MemoryPlanner.Assign(tensors, steps, [0], [6]);
        return new ExecutionPlan("cpu", tensors, steps, [0], [6], arena);
    }

    private static float[] Reference(float[] x, float[] bias)
    {
        var y = new float[24];
        for (int n = 0; n < 2; n++)
        {
            for (int w = 0; w < 4; w++)
            {
                var row = Enumerable.Range(0, 3).Select(c => x[(n * 12) + (c * 4) + w] + bias[c]).ToArray();
                float max = row.Max();
                var e = row.Select(v => MathF.Exp(v - max)).ToArray();
                float sum = e.Sum();
                for (int c = 0; c < 3; c++)
                {
                    float p = e[c] / sum;
                    y[(n * 12) + (w * 3) + c] = MathF.Round(p * 255, MidpointRounding.ToEven) / 255;
                }
            }
        }

        return y;
    }

    [Fact]
    public void FloatKernelsAndBordersMatchAScalarReference()
    {
        float[] bias = [0.5f, -1f, 0.25f];
        var x = Enumerable.Range(0, 24).Select(i => MathF.Sin(i * 0.7f) * 2).ToArray();
        using var runtime = PlanRuntime.Create(SmallPlan(bias), RuntimeDevice.Cpu);
        float[] actual = runtime.Run(x);
        float[] expected = Reference(x, bias);
        for (int i = 0; i < 24; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= (1f / 255) + 1e-6f, $"element {i}: {actual[i]} vs {expected[i]}");
        }

        Assert.True(actual.Zip(expected).Count(p => Math.Abs(p.First - p.Second) < 1e-6f) >= 22);
    }

    [Fact]
    public void SerializedPlanRoundTripsAndRunsTheSame()
    {
        float[] bias = [0.1f, 0.2f, -0.3f];
        var plan = SmallPlan(bias);
        byte[] bytes = PlanSerializer.ToBytes(plan);
        var copy = PlanSerializer.FromBytes(bytes);
        Assert.Equal(bytes, PlanSerializer.ToBytes(copy));
        Assert.Equal(plan.Describe(), copy.Describe());
        var x = Enumerable.Range(0, 24).Select(i => i * 0.1f).ToArray();
        using var a = PlanRuntime.Create(plan, RuntimeDevice.Cpu);
        using var b = PlanRuntime.Create(copy, RuntimeDevice.Cpu);
        Assert.Equal(a.Run(x), b.Run(x));
    }

    [Fact]
    public void DamagedPlansFailWithAReason()
    {
        byte[] bytes = PlanSerializer.ToBytes(SmallPlan([0, 0, 0]));
        var truncated = Assert.Throws<InvalidDataException>(() => PlanSerializer.FromBytes(bytes[..(bytes.Length / 2)]));
        Assert.Contains("truncated", truncated.Message, StringComparison.Ordinal);
        var bad = (byte[])bytes.Clone();
        bad[0] ^= 0xFF;
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => PlanSerializer.FromBytes(bad)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongInputSizeIsRejected()
    {
        using var runtime = PlanRuntime.Create(SmallPlan([0, 0, 0]), RuntimeDevice.Cpu);
        var error = Assert.Throws<ArgumentException>(() => runtime.Run(new float[5]));
        Assert.Contains("needs 24 floats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneStepRunsOnWhatWasWrittenIntoItsInputs()
    {
        var q = new QuantParams(1f / 255, 0, QuantElementType.UInt8);
        using var runtime = PlanRuntime.Create(SmallPlan([0, 0, 0]), RuntimeDevice.Cpu);
        byte[] levels = [.. Enumerable.Range(0, 24).Select(i => (byte)(i * 10))];
        runtime.WriteTensor(5, levels);
        runtime.RunStep(5);
        float[] y = new float[24];
        Buffer.BlockCopy(runtime.ReadTensor(6), 0, y, 0, 96);
        Assert.Equal(levels.Select(v => v * q.Scale), y);
        Assert.Equal(levels, runtime.ReadTensor(5));

        Assert.Contains("has 24 bytes", Assert.Throws<ArgumentException>(() => runtime.WriteTensor(5, new byte[23])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => runtime.RunStep(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => runtime.RunStep(-1));
    }
}
