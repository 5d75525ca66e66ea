// Entry point of the onnxc command: hands the arguments, the console and Ctrl-C/SIGTERM to Cli.
using System.Runtime.InteropServices;

namespace Onnxc.Driver;

internal static class Program
{
    /// <summary>
    /// SIGINT (Ctrl-C) and SIGTERM (kill, docker stop, systemd) cancel the running command instead of killing the
    /// process, so a training run stops between steps, writes nothing half-done and exits 130.
    /// </summary>
    private static int Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            cancellation.Cancel();
        }

        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return Cli.Run(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, cancellation.Token);
    }
}
