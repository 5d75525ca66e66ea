// A [Fact] that skips, saying why, when the temp folder lacks the free space a big-file test needs.
namespace Onnxc.GraphIR.Tests.Conformance;

[AttributeUsage(AttributeTargets.Method)]
public sealed class LargeDiskFactAttribute : FactAttribute
{
    public LargeDiskFactAttribute(long gibibytesNeeded)
    {
        string temp = Path.GetTempPath();
        // On Unix DriveInfo statfs-es the path it is given, so this is the free space of the temp folder's file system.
        long free = new DriveInfo(temp).AvailableFreeSpace;
        if (free < gibibytesNeeded << 30)
        {
            Skip = $"needs {gibibytesNeeded} GiB free in {temp}, has {free / (1 << 20)} MiB";
        }
    }
}
