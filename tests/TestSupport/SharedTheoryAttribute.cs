// A [Theory] that skips, saying why, when ../shared is not beside the checkout.
namespace Onnxc.TestSupport;

[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (!SharedData.IsAvailable)
        {
            Skip = SharedData.MissingReason;
        }
    }
}
