// A dense float64 tensor for the reference evaluator the gradient checks differentiate numerically.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Reference;

/// <summary>Row-major float64 data with its dims. Integer tensors (shapes, axes, indices) are held as exact doubles.</summary>
internal sealed class F64
{
    public F64(long[] dims, double[] data)
    {
        if (TensorData.CountElements(dims) != data.Length)
        {
            throw new ArgumentException($"{data.Length} values for dims [{string.Join(",", dims)}]");
        }

        Dims = dims;
        Data = data;
    }

    public long[] Dims { get; }

    public double[] Data { get; }

    public int Rank => Dims.Length;

    public int Count => Data.Length;

    public static F64 Scalar(double v) => new([], [v]);

    public static F64 Zeros(long[] dims) => new(dims, new double[TensorData.CountElements(dims)]);

    public static F64 From(TensorData t) => new([.. t.Dims], t.ToDoubles());

    public long[] ToInt64s() => [.. Data.Select(d => (long)d)];

    public F64 Clone() => new([.. Dims], [.. Data]);

    public override string ToString() => $"f64[{string.Join(",", Dims)}]";
}
