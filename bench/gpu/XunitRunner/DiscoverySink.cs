// Collects the test cases xunit's discoverer reports.
using Xunit;
using Xunit.Abstractions;

namespace Onnxc.XunitRunner;

/// <summary>Gathers <see cref="ITestCaseDiscoveryMessage"/>s until discovery completes.</summary>
internal sealed class DiscoverySink : LongLivedMarshalByRefObject, IMessageSink
{
    public List<ITestCase> TestCases { get; } = [];

    public ManualResetEvent Finished { get; } = new(initialState: false);

    public bool OnMessage(IMessageSinkMessage message)
    {
        switch (message)
        {
            case ITestCaseDiscoveryMessage found:
                TestCases.Add(found.TestCase);
                break;
            case IDiscoveryCompleteMessage:
                Finished.Set();
                break;
        }

        return true;
    }
}
