// What quantization-aware training produced: the PTQ model at the same bit width, the QAT model, and the training history.
using Onnxc.Passes.Training;

namespace Onnxc.Passes.Quantization.Qat;

public sealed record QatResult(Model PostTraining, Model Trained, TrainingResult Training, CompileSummary Calibration);
