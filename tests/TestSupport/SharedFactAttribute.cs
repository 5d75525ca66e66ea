// A [Fact] that skips, saying why, when ../shared is not beside the checkout.
namespace Onnxc.TestSupport;

[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (!SharedData.IsAvailable)
        {
            Skip = SharedData.MissingReason;
        }
    }
}
