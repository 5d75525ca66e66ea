// The default model: a small CNN for the shapes data set, with its forward and backward passes.
namespace Onnxc.ModelMaker;

/// <summary>
/// input [N,1,28,28] → Conv 3×3 (8) → BatchNorm → ReLU → MaxPool 2 → Conv 3×3 (16) → BatchNorm → ReLU → MaxPool 2
/// → Flatten [N,784] → Gemm (32) → ReLU → Gemm (10) = logits. The same sequence is what <see cref="OnnxExporter"/>
/// writes, node for node. Activation buffers are sized for <see cref="MaxBatch"/> images.
/// </summary>
internal sealed class ShapesCnn
{
    public const int ImageSize = 28;
    public const int Channels1 = 8;
    public const int Channels2 = 16;
    public const int Hidden = 32;
    public const int Classes = ShapeRenderer.ClassCount;
    public const int MaxBatch = 64;

    private const int Size1 = ImageSize;
    private const int Size2 = ImageSize / 2;
    private const int Size3 = ImageSize / 4;
    private const int Flat = Channels2 * Size3 * Size3;

    private readonly float[] _conv1 = new float[MaxBatch * Channels1 * Size1 * Size1];
    private readonly float[] _pool1 = new float[MaxBatch * Channels1 * Size2 * Size2];
    private readonly float[] _conv2 = new float[MaxBatch * Channels2 * Size2 * Size2];
    private readonly float[] _pool2 = new float[MaxBatch * Flat];
    private readonly float[] _hidden = new float[MaxBatch * Hidden];
    private readonly float[] _logits = new float[MaxBatch * Classes];
    private readonly float[] _dHidden = new float[MaxBatch * Hidden];
    private readonly float[] _dPool2 = new float[MaxBatch * Flat];
    private readonly float[] _dConv2 = new float[MaxBatch * Channels2 * Size2 * Size2];
    private readonly float[] _dPool1 = new float[MaxBatch * Channels1 * Size2 * Size2];
    private readonly float[] _dConv1 = new float[MaxBatch * Channels1 * Size1 * Size1];
    private int _batch;

    public ShapesCnn(DetRandom rng)
    {
        Conv1.Initialize(rng);
        Conv2.Initialize(rng);
        Fc1.Initialize(rng, Math.Sqrt(6.0 / Flat));
        Fc2.Initialize(rng, 1.0 / Math.Sqrt(Hidden));
    }

    public Conv3x3 Conv1 { get; } = new("conv1", 1, Channels1);

    public BatchNorm2d Bn1 { get; } = new("bn1", Channels1);

    public MaxPool2x2 Pool1 { get; } = new();

    public Conv3x3 Conv2 { get; } = new("conv2", Channels1, Channels2);

    public BatchNorm2d Bn2 { get; } = new("bn2", Channels2);

    public MaxPool2x2 Pool2 { get; } = new();

    public Dense Fc1 { get; } = new("fc1", Flat, Hidden);

    public Dense Fc2 { get; } = new("fc2", Hidden, Classes);

    public IReadOnlyList<Parameter> Parameters =>
    [
        Conv1.Weight, Bn1.Scale, Bn1.Bias, Conv2.Weight, Bn2.Scale, Bn2.Bias,
        Fc1.Weight, Fc1.Bias, Fc2.Weight, Fc2.Bias,
    ];

    /// <summary>input [batch,1,28,28] (already scaled to [0,1]) → logits [batch,10], valid until the next call.</summary>
    public ReadOnlySpan<float> Forward(float[] input, int batch, RunMode mode)
    {
        if (batch > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"at most {MaxBatch} images per call");
        }

        _batch = batch;
        Conv1.Forward(input, batch, Size1, Size1, _conv1);
        Bn1.Forward(_conv1, batch, Size1 * Size1, _conv1, mode);
        Relu(_conv1.AsSpan(0, batch * Channels1 * Size1 * Size1));
        Pool1.Forward(_conv1, batch * Channels1, Size1, Size1, _pool1);
        Conv2.Forward(_pool1, batch, Size2, Size2, _conv2);
        Bn2.Forward(_conv2, batch, Size2 * Size2, _conv2, mode);
        Relu(_conv2.AsSpan(0, batch * Channels2 * Size2 * Size2));
        Pool2.Forward(_conv2, batch * Channels2, Size2, Size2, _pool2);
        Fc1.Forward(_pool2, batch, _hidden);
        Relu(_hidden.AsSpan(0, batch * Hidden));
        Fc2.Forward(_hidden, batch, _logits);
        return _logits.AsSpan(0, batch * Classes);
    }

    /// <summary>Accumulates every parameter's gradient from dLogits [batch,10] of the last training forward.</summary>
    public void Backward(float[] dLogits)
    {
        int batch = _batch;
        Fc2.Backward(dLogits, _dHidden);
        ReluBackward(_hidden.AsSpan(0, batch * Hidden), _dHidden);
        Fc1.Backward(_dHidden, _dPool2);
        Pool2.Backward(_dPool2, batch * Flat, _dConv2);
        ReluBackward(_conv2.AsSpan(0, batch * Channels2 * Size2 * Size2), _dConv2);
        Bn2.Backward(_dConv2, _dConv2);
        Conv2.Backward(_dConv2, _dPool1);
        Pool1.Backward(_dPool1, batch * Channels1 * Size2 * Size2, _dConv1);
        ReluBackward(_conv1.AsSpan(0, batch * Channels1 * Size1 * Size1), _dConv1);
        Bn1.Backward(_dConv1, _dConv1);
        Conv1.Backward(_dConv1, null);
    }

    private static void Relu(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Max(values[i], 0f);
        }
    }

    /// <summary>ReLU's output y was kept, and y &gt; 0 exactly where the input was positive.</summary>
    private static void ReluBackward(ReadOnlySpan<float> output, float[] gradient)
    {
        for (int i = 0; i < output.Length; i++)
        {
            if (output[i] <= 0f)
            {
                gradient[i] = 0f;
            }
        }
    }
}
