// Entry point of the onnxc command: hands the arguments and the console to Cli.
namespace Onnxc.Driver;

internal static class Program
{
    private static int Main(string[] args) => Cli.Run(args, Console.Out, Console.Error);
}
