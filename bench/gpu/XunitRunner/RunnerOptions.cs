// xunit's discovery and execution options as a plain dictionary.
using Xunit.Abstractions;

namespace Onnxc.XunitRunner;

/// <summary>
/// The option bag xunit's framework reads (keys such as <c>xunit.discovery.PreEnumerateTheories</c>); unset keys
/// read as null and xunit applies its defaults, which is what this runner wants: theories pre-enumerated, so a
/// case per accelerator shows up by name and --filter cuda selects the CUDA cases.
/// </summary>
internal sealed class RunnerOptions : ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
{
    private readonly Dictionary<string, object?> _values = [];

    public TValue GetValue<TValue>(string name) =>
        _values.TryGetValue(name, out object? v) && v is TValue t ? t : default!;

    public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
}
