// A prepared plan step: its device constants are uploaded, each Run launches its kernel(s).
namespace Onnxc.Kernels.Runtime;

internal interface IStepRunner : IDisposable
{
    /// <summary>Launches the step's kernels on the accelerator stream (asynchronously).</summary>
    void Run();
}
