// The observers that turn a tensor's observed values into the range its quantization covers.
namespace Onnxc.Passes.Calibration;

/// <summary>How a calibrated range is chosen from the values a tensor took (<c>--calibrate</c>).</summary>
public enum CalibrationMethod
{
    /// <summary>The exact minimum and maximum seen: no clipping, coarsest steps.</summary>
    MinMax,

    /// <summary>Clips the tails beyond the P-th percentile of the values (default P = 99.999).</summary>
    Percentile,

    /// <summary>The threshold whose quantized distribution has the least KL divergence from the observed one.</summary>
    Entropy,

    /// <summary>The threshold with the least expected squared error (clipping plus rounding).</summary>
    Mse,
}
