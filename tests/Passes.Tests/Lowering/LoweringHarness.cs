// Runs one model through ONNX Runtime and through lowering + our runtime on the CPU accelerator, and compares.
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.Kernels.Registry;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Targets;
using Onnxc.Passes.Lowering;
using Onnxc.TestSupport;

namespace Onnxc.Passes.Tests.Lowering;

internal static class LoweringHarness
{
    /// <summary>ONNX Runtime's output for one input.</summary>
    public static float[] RunOrt(string path, string inputName, float[] input, int[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(path, options);
        var value = NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape));
        using var results = session.Run([value]);
        return results[0].AsEnumerable<float>().ToArray();
    }

    /// <summary>
    /// Lowers <paramref name="model"/> (with <paramref name="kernels"/>, the whole library by default), runs it on the CPU
    /// accelerator and on ORT; returns both outputs.
    /// </summary>
    public static (float[] Ours, float[] Ort, LoweringResult Lowering) Compare(Model model, float[] input, int[] shape, KernelSet? kernels = null)
    {
        using var dir = new TempDir("onnxc-lowering");
        string path = dir.File("model.onnx");
        OnnxExporter.Save(model, path);
        var ort = RunOrt(path, model.Graph.Inputs[0].Name, input, shape);
        var lowering = Int8Lowering.Lower(OnnxImporter.Load(path), new LoweringOptions(TargetRegistry.Rtx2050) { Kernels = kernels ?? KernelRegistry.Default });
        using var runtime = PlanRuntime.Create(lowering.Plan, RuntimeDevice.Cpu);
        return (runtime.Run(input), ort, lowering);
    }

    /// <summary>
    /// Asserts |ours - ort| &lt;= one quantization step everywhere and that most values agree exactly (the fixed-
    /// point epilogue differs from ORT's float rounding only next to half-integers).
    /// </summary>
    public static void AssertWithinOneStep(float[] ours, float[] ort, float step, double minExactFraction = 0.9)
    {
        Assert.Equal(ort.Length, ours.Length);
        int exact = 0;
        for (int i = 0; i < ort.Length; i++)
        {
            float diff = Math.Abs(ours[i] - ort[i]);
            Assert.True(diff <= (step * 1.001f) + 1e-6f, $"element {i}: ours {ours[i]}, ORT {ort[i]}, more than one step ({step}) apart");
            if (diff <= step * 1e-3f)
            {
                exact++;
            }
        }

        Assert.True(exact >= minExactFraction * ort.Length, $"only {exact} of {ort.Length} values equal ORT's");
        Assert.True(ort.Distinct().Count() > Math.Min(10, ort.Length / 4), "ORT's outputs are not spread: the test would not see errors");
    }
}
