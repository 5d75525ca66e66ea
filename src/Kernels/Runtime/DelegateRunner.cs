// A step runner made of a launch delegate and the device constants it owns.
namespace Onnxc.Kernels.Runtime;

internal sealed class DelegateRunner : IStepRunner
{
    private readonly Action _run;
    private readonly IDisposable[] _owned;

    public DelegateRunner(Action run, params IDisposable[] owned)
    {
        _run = run;
        _owned = owned;
    }

    public void Run() => _run();

    public void Dispose()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }
    }
}
