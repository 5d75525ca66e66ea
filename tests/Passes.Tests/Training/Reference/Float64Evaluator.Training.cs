// The training form of BatchNormalization for the float64 reference: normalize with the batch's own statistics.
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Reference;

internal static partial class Float64Evaluator
{
    /// <summary>Y = (X − μ_c)/√(σ²_c + ε)·γ_c + β_c with μ, σ² (population) over N and the spatial axes of channel c.</summary>
    private static F64[] BatchNormOnBatchStatistics(Node node, F64?[] x)
    {
        F64 input = x[0]!;
        double[] gamma = x[1]!.Data;
        double[] beta = x[2]!.Data;
        double eps = node.GetFloat("epsilon", 1e-5f);
        int n = (int)input.Dims[0];
        int c = (int)input.Dims[1];
        int plane = (int)(input.Count / Math.Max(1, n * c));
        var y = new double[input.Count];
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int b = 0; b < n; b++)
            {
                for (int i = 0; i < plane; i++)
                {
                    sum += input.Data[(((b * c) + ch) * plane) + i];
                }
            }

            double mean = sum / (n * plane);
            double sq = 0;
            for (int b = 0; b < n; b++)
            {
                for (int i = 0; i < plane; i++)
                {
                    double d = input.Data[(((b * c) + ch) * plane) + i] - mean;
                    sq += d * d;
                }
            }

            double inv = 1 / Math.Sqrt((sq / (n * plane)) + eps);
            for (int b = 0; b < n; b++)
            {
                for (int i = 0; i < plane; i++)
                {
                    int at = (((b * c) + ch) * plane) + i;
                    y[at] = ((input.Data[at] - mean) * inv * gamma[ch]) + beta[ch];
                }
            }
        }

        return [new F64([.. input.Dims], y)];
    }
}
