// What an INT8 compile returns: the quantized model, the calibration table used, and the summary.
using Onnxc.GraphIR;
using Onnxc.Passes.Calibration;

namespace Onnxc.Passes.Quantization;

public sealed record QuantizationResult(Model Model, CalibrationTable? Table, CompileSummary Summary);
