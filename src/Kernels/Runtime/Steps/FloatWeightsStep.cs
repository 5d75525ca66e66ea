// Float steps with constant weights and bias (Gemm, Conv): their constants, serialization and upload in one place.
using ILGPU;
using ILGPU.Runtime;
using Onnxc.Kernels.Runtime.Float;

namespace Onnxc.Kernels.Runtime.Steps;

/// <summary>
/// A float kernel step with one input, one output, a blittable argument block and constant weights and bias. The
/// plan stores the arguments, then the weights, then the bias; the bias may be empty (the kernel still gets a
/// one-element buffer and the argument block says whether to read it).
/// </summary>
public abstract record FloatWeightsStep<TArgs>(string Source, int Input, int Output, TArgs Args, float[] Weights, float[] Bias)
    : PlanStep(Source, [Input], [Output]), IHasConstants
    where TArgs : unmanaged
{
    public override bool IsInt8 => false;

    public long ConstantBytes => 4L * (Weights.Length + Math.Max(1, Bias.Length));

    internal override void WriteBody(PlanWriter writer)
    {
        writer.WriteStruct(Args);
        writer.Write(Weights);
        writer.Write(Bias);
    }

    internal override IStepRunner Prepare(StepContext context)
    {
        var weights = context.Accelerator.Allocate1D(Weights);
        var bias = context.Accelerator.Allocate1D(Bias.Length > 0 ? Bias : new float[1]);
        var input = context.Floats32(Input);
        var output = context.Floats32(Output);
        var floats = context.Floats;
        return new DelegateRunner(() => Launch(floats, input, weights.View, bias.View, output), weights, bias);
    }

    /// <summary>Launches the step's kernel on its tensors and uploaded constants.</summary>
    private protected abstract void Launch(
        FloatKernelLibrary floats, ArrayView<float> input, ArrayView<float> weights, ArrayView<float> bias, ArrayView<float> output);
}
