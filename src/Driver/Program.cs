// Entry point of the onnxc command.
namespace Onnxc.Driver;

internal static class Program
{
    private static int Main(string[] args) => 0;
}
