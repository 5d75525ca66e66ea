// -O int8 --qat: calibrate and quantize, insert fake quantization, train, and freeze the trained weights to a QDQ model.
using Onnxc.Evaluation.Data;
using Onnxc.Passes.Training;

namespace Onnxc.Passes.Quantization.Qat;

/// <summary>
/// Quantization-aware training in four steps: (1) the INT8 compiler calibrates and writes the QDQ model
/// (activation scales fixed from then on); (2) <see cref="FakeQuantization.ToTrainable"/> turns its weights back
/// into float weights behind QuantizeLinear → DequantizeLinear, at 8 or 4 bits; (3) the training pass trains that
/// model (weights, biases and weight scales, with straight-through gradients); (4)
/// <see cref="FakeQuantization.Freeze"/> writes the trained weights as integers again. The same freeze applied to
/// the untrained model of step 2 is post-training quantization at the same bit width, which the result carries
/// for comparison.
/// </summary>
public static class QatCompiler
{
    public static QatResult Compile(
        Model model,
        QuantizationOptions options,
        SampleSet calibration,
        int weightBits,
        TrainingSetup setup,
        TrainingOptions training,
        SampleSet trainData,
        SampleSet? validation,
        Model? teacher = null,
        ITrainingProgress? progress = null,
        Action<string>? log = null,
        PassContext? passes = null,
        CancellationToken cancellation = default)
    {
        // The user's pass options (--verify-each, --print-ir-after, --time-passes, --disable-pass) reach the INT8
        // stages and the preparation as they do in -O int8.
        QuantizationResult ptq8 = Int8Compiler.Compile(model, options with { Verify = VerifyMode.Skip }, calibration, log: log, passes: passes);
        Model prepared = ModelCopy.Clone(model);
        QuantizationPreparation.Run(prepared, passes);
        Model fake = FakeQuantization.ToTrainable(ptq8.Model, prepared, weightBits);
        int weightMax = QuantMath.WeightMax(options.ReducedRange);
        Model ptq = FakeQuantization.Freeze(fake, weightMax);
        TrainingResult trained = new Trainer(fake, setup, training).Run(trainData, validation, teacher, progress, cancellation);
        Model qat = FakeQuantization.Freeze(trained.Model, weightMax);
        return new QatResult(ptq, qat, trained, ptq8.Summary);
    }
}
