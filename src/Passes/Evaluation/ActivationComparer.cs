// Per-tensor SQNR between a reference model's activations and another model's, on the same samples.
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;

namespace Onnxc.Evaluation;

/// <summary>
/// Exposes the named tensors in both models (copies), runs both on the same batches and accumulates, per pair,
/// Σx² and Σ(x − y)² to give SQNR = 10·log10(Σx² / Σ(x − y)²) in dB. Streams batch by batch; memory is one batch.
/// </summary>
public static class ActivationComparer
{
    /// <summary>SQNR in dB per pair (reference tensor name, other model's tensor name), in the order given.</summary>
    public static double[] Sqnr(Model reference, Model other, IReadOnlyList<(string Reference, string Other)> pairs, IEnumerable<SampleBatch> batches)
    {
        using InferenceRunner a = InferenceRunner.Create(reference, pairs.Select(p => p.Reference));
        using InferenceRunner b = InferenceRunner.Create(other, pairs.Select(p => p.Other));
        return Sqnr(a, b, pairs, batches);
    }

    public static double[] Sqnr(InferenceRunner reference, InferenceRunner other, IReadOnlyList<(string Reference, string Other)> pairs, IEnumerable<SampleBatch> batches)
    {
        var signal = new double[pairs.Count];
        var noise = new double[pairs.Count];
        string[] ra = [.. pairs.Select(p => p.Reference)];
        string[] rb = [.. pairs.Select(p => p.Other)];
        foreach (SampleBatch batch in batches)
        {
            IReadOnlyList<OutputTensor> x = reference.Run(batch.Inputs, ra);
            IReadOnlyList<OutputTensor> y = other.Run(batch.Inputs, rb);
            Parallel.For(0, pairs.Count, i =>
            {
                float[] xs = x[i].Data, ys = y[i].Data;
                if (xs.Length != ys.Length)
                {
                    throw new InvalidOperationException($"'{pairs[i].Reference}' has {xs.Length} values but '{pairs[i].Other}' has {ys.Length}");
                }

                double s = 0, n = 0;
                for (int k = 0; k < xs.Length; k++)
                {
                    double d = xs[k] - (double)ys[k];
                    s += (double)xs[k] * xs[k];
                    n += d * d;
                }

                signal[i] += s;
                noise[i] += n;
            });
        }

        return [.. signal.Zip(noise, Metrics.Sqnr)];
    }
}
