// Island helpers the INT8 rules share: finding the QuantizeLinear that closes an island, folding its activation,
// reading symmetric weights and int32 biases.
using Onnxc.Kernels.Elementwise;
using Onnxc.Kernels.Quantization;
using Onnxc.Kernels.Runtime;
using Onnxc.Kernels.Runtime.Steps;

namespace Onnxc.Passes.Lowering;

internal sealed partial class LoweringContext
{
    /// <summary>The QuantizeLinear closing an island, the activation fused before it, and their nodes.</summary>
    public sealed record IslandEnd(Node Quantize, QuantParams Output, FusedActivation Activation, Node? ActivationNode);

    /// <summary>
    /// Finds the Q after <paramref name="node"/>'s only output, possibly through one Relu/Clip (folded into the
    /// clamp bounds, exact because quantization is monotonic). Guards: single use, not a graph output.
    /// </summary>
    public IslandEnd? FindIslandEnd(Node node, bool allowActivation, out string reason)
    {
        reason = string.Empty;
        var y = node.Outputs[0]!;
        if (node.Outputs.Skip(1).Any(o => o is not null && (o.Uses.Count > 0 || o.IsGraphOutput)))
        {
            reason = "a second output is used";
            return null;
        }

        if (y.IsGraphOutput || y.Uses.Count != 1)
        {
            reason = "its output is a graph output or has several readers, not one QuantizeLinear";
            return null;
        }

        var next = y.Uses[0].Node;
        FusedActivation activation = FusedActivation.None;
        Node? activationNode = null;
        if (allowActivation && next.OpType is "Relu" or "Clip" && y.Uses[0].InputIndex == 0)
        {
            var a = next.Outputs[0]!;
            if (a.IsGraphOutput || a.Uses.Count != 1)
            {
                reason = "the activation after it is not followed by exactly one QuantizeLinear";
                return null;
            }

            activation = next.OpType == "Relu" ? FusedActivation.Relu : ClipActivation(next);
            activationNode = next;
            next = a.Uses[0].Node;
        }

        if (next.OpType != "QuantizeLinear" || next.Input(0) != (activationNode?.Outputs[0] ?? y))
        {
            reason = "its output is not quantized (no QuantizeLinear after it)";
            return null;
        }

        var quant = QdqAttributes.Read(next, Constant, RankOf(node.Input(0)!)).ToQuantParams(next);
        return new IslandEnd(next, quant, activation, activationNode);
    }

    public FusedActivation ClipActivation(Node clip)
    {
        float min = float.NegativeInfinity;
        float max = float.PositiveInfinity;
        if (Opset < 11)
        {
            min = clip.GetFloat("min", min);
            max = clip.GetFloat("max", max);
        }
        else
        {
            if (clip.Input(1) is { } lo)
            {
                min = (Constant(lo) ?? throw new NotSupportedException($"{clip.Describe()} has a non-constant min")).ToFloats()[0];
            }

            if (clip.Input(2) is { } hi)
            {
                max = (Constant(hi) ?? throw new NotSupportedException($"{clip.Describe()} has a non-constant max")).ToFloats()[0];
            }
        }

        return FusedActivation.Clip(min, max);
    }

    /// <summary>Records the island's output tensor as the Q's output and marks the absorbed nodes.</summary>
    public void FinishIsland(IslandEnd end, PlanTensor output)
    {
        _values[end.Quantize.Outputs[0]!] = new BytesValue(output);
        Absorb(end.Quantize);
        if (end.ActivationNode is not null)
        {
            Absorb(end.ActivationNode);
        }
    }

    public PlanTensor NewIslandOutput(IslandEnd end, int[] shape, PlanLayout layout) =>
        Plan.NewBytes(end.Quantize.Outputs[0]!.Name, shape, layout, end.Output);

    /// <summary>y = clamp(requantize(x)) elementwise: a one-input Concat whose bounds carry the activation.</summary>
    public static ConcatStep Requantize(string source, PlanTensor input, PlanTensor output, FusedActivation activation)
    {
        var slice = ConcatSlice.Create(1, 1, [checked((int)input.ElementCount)], [input.Quant!], output.Quant!)[0];
        (slice.OutputLo, slice.OutputHi) = activation.QuantizedBounds(output.Quant!);
        return new ConcatStep(source, [input.Id], output.Id, [slice]);
    }

    /// <summary>Symmetric int8 weights behind a DequantizeLinear, or null with a reason.</summary>
    public DequantizedConstant? WeightsOf(Value w, out string reason)
    {
        reason = string.Empty;
        if (Lookup(w) is not DequantizedConstant d || d.Data.ElementType != ElementType.Int8)
        {
            reason = "its weights are not int8 constants behind a DequantizeLinear";
            return null;
        }

        if (d.ZeroPoints.Any(z => z != 0))
        {
            reason = "its weights have non-zero zero points (the kernels need symmetric weights)";
            return null;
        }

        return d;
    }

    /// <summary>
    /// The int32 bias in units of <c>s_x * s_w[oc]</c>. An int32 DQ with exactly that scale is taken as is;
    /// other scales, or a float bias, are rounded into those units (error at most half a unit, far below
    /// one output step).
    /// </summary>
    public int[]? BiasOf(Value? b, float inputScale, float[] weightScales, int channels, out string reason)
    {
        reason = string.Empty;
        if (b is null)
        {
            return [];
        }

        double[] real;
        switch (Lookup(b))
        {
            case DequantizedConstant d when d.Data.ElementType == ElementType.Int32 && d.ZeroPoints.All(z => z == 0):
                var q = d.Data.AsSpan<int>().ToArray();
                real = new double[q.Length];
                for (int i = 0; i < q.Length; i++)
                {
                    real[i] = (double)q[i] * d.Scales[d.Scales.Length == 1 ? 0 : i];
                }

                if (q.Length == channels && Enumerable.Range(0, channels).All(i =>
                        Math.Abs(d.Scales[d.Scales.Length == 1 ? 0 : i] - (inputScale * weightScales[weightScales.Length == 1 ? 0 : i])) <= 1e-6 * d.Scales[d.Scales.Length == 1 ? 0 : i]))
                {
                    return q;
                }

                break;
            case ConstantValue c when c.Data.ElementType == ElementType.Float:
                real = c.Data.ToDoubles();
                break;
            case DequantizedConstant d:
                real = d.ToFloats().Select(f => (double)f).ToArray();
                break;
            default:
                reason = "its bias is not a constant";
                return null;
        }

        if (real.Length == 1 && channels > 1)
        {
            real = Enumerable.Repeat(real[0], channels).ToArray();
        }

        if (real.Length != channels)
        {
            reason = $"its bias has {real.Length} values for {channels} channels";
            return null;
        }

        var result = new int[channels];
        for (int i = 0; i < channels; i++)
        {
            double unit = (double)inputScale * weightScales[weightScales.Length == 1 ? 0 : i];
            double v = Math.Round(real[i] / unit, MidpointRounding.ToEven);
            if (Math.Abs(v) > int.MaxValue)
            {
                reason = "its bias does not fit int32 at scale s_x * s_w";
                return null;
            }

            result[i] = (int)v;
        }

        return result;
    }
}
