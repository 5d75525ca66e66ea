// Runs the quantized model and the float model side by side in ONNX Runtime and judges the difference.
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;

namespace Onnxc.Passes.Quantization;

/// <summary>
/// Self-verification after compiling: both models run in ORT on the same samples; reports the largest absolute
/// difference of any output value, the cosine similarity of all outputs taken as one vector, and for outputs
/// shaped [N, classes] the share of samples whose argmax agrees. A cosine below
/// <see cref="VerificationResult.MinCosine"/> or an agreement below <see cref="VerificationResult.MinTop1Agreement"/>
/// is a gross mismatch (a wrong encoding or a broken rewrite, not rounding).
/// </summary>
public static class SelfVerifier
{
    public static VerificationResult Verify(Model reference, Model quantized, IEnumerable<SampleBatch> batches, ExecutionProvider provider = ExecutionProvider.Cpu)
    {
        using InferenceRunner a = InferenceRunner.Create(reference, provider);
        using InferenceRunner b = InferenceRunner.Create(quantized, provider);
        return Verify(a, b, batches);
    }

    public static VerificationResult Verify(InferenceRunner reference, InferenceRunner quantized, IEnumerable<SampleBatch> batches)
    {
        double dot = 0, na = 0, nb = 0, maxErr = 0;
        int samples = 0, agree = 0, classified = 0;
        foreach (SampleBatch batch in batches)
        {
            IReadOnlyList<OutputTensor> ra = reference.Run(batch);
            IReadOnlyList<OutputTensor> rb = quantized.Run(batch);
            for (int o = 0; o < ra.Count; o++)
            {
                float[] x = ra[o].Data, y = rb[o].Data;
                if (x.Length != y.Length)
                {
                    return new VerificationResult(samples, double.PositiveInfinity, 0, null, false,
                        $"output '{ra[o].Name}' has {y.Length} values, the float model's {x.Length}");
                }

                for (int i = 0; i < x.Length; i++)
                {
                    dot += (double)x[i] * y[i];
                    na += (double)x[i] * x[i];
                    nb += (double)y[i] * y[i];
                    maxErr = Math.Max(maxErr, Math.Abs((double)x[i] - y[i]));
                }

                if (o == 0 && Metrics.ClassCount(ra[o].Shape, batch.Count) is int classes)
                {
                    for (int s = 0; s < batch.Count; s++)
                    {
                        classified++;
                        agree += Metrics.ArgMax(x.AsSpan(s * classes, classes)) == Metrics.ArgMax(y.AsSpan(s * classes, classes)) ? 1 : 0;
                    }
                }
            }

            samples += batch.Count;
        }

        double cosine = na == 0 && nb == 0 ? 1 : dot / Math.Sqrt(na * nb);
        double? agreement = classified > 0 ? (double)agree / classified : null;
        bool ok = cosine >= VerificationResult.MinCosine && (agreement is null || agreement >= VerificationResult.MinTop1Agreement) && double.IsFinite(maxErr);
        string msg = $"{samples} samples: max |error| {maxErr:G4}, cosine {cosine:F5}" + (agreement is double ag ? $", top-1 agreement {ag:P1}" : "");
        return new VerificationResult(samples, maxErr, cosine, agreement, ok, ok ? msg : "GROSS MISMATCH against the float model: " + msg);
    }
}
