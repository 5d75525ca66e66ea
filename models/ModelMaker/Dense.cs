// A fully connected layer y = x·Wᵀ + b, exported as ONNX Gemm with transB = 1.
namespace Onnxc.ModelMaker;

/// <summary>
/// y[n,o] = Σ_i x[n,i]·W[o,i] + b[o]. Backward: dW[o,:] += dy[n,o]·x[n,:], db[o] += dy[n,o],
/// dx[n,:] = Σ_o dy[n,o]·W[o,:]. W is stored [out, in], the layout Gemm's transB = 1 reads.
/// </summary>
internal sealed class Dense
{
    private readonly int _in;
    private readonly int _out;
    private float[] _input = [];
    private int _batch;

    public Dense(string name, int inputs, int outputs)
    {
        _in = inputs;
        _out = outputs;
        Weight = new Parameter(name + ".weight", outputs, inputs);
        Bias = new Parameter(name + ".bias", outputs);
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    /// <summary>He-uniform bound √(6/in) for layers followed by ReLU, 1/√in for the logits layer.</summary>
    public void Initialize(DetRandom rng, double bound) => Weight.InitUniform(rng, bound);

    public int Inputs => _in;

    /// <summary>x [batch, in] → y [batch, out]; x is kept (not copied) for backward, so callers must not reuse it.</summary>
    public void Forward(float[] x, int batch, float[] y)
    {
        _input = x;
        _batch = batch;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> row = x.AsSpan(n * _in, _in);
            for (int o = 0; o < _out; o++)
            {
                y[(n * _out) + o] = VectorMath.Dot(row, Weight.Value.AsSpan(o * _in, _in)) + Bias.Value[o];
            }
        }
    }

    public void Backward(float[] dy, float[]? dx)
    {
        for (int n = 0; n < _batch; n++)
        {
            ReadOnlySpan<float> row = _input.AsSpan(n * _in, _in);
            Span<float> dRow = dx is null ? [] : dx.AsSpan(n * _in, _in);
            dRow.Clear();
            for (int o = 0; o < _out; o++)
            {
                float g = dy[(n * _out) + o];
                VectorMath.Axpy(g, row, Weight.Grad.AsSpan(o * _in, _in));
                Bias.Grad[o] += g;
                if (dx is not null)
                {
                    VectorMath.Axpy(g, Weight.Value.AsSpan(o * _in, _in), dRow);
                }
            }
        }
    }
}
