// Entry point: `Onnxc.XunitRunner TESTS.dll [--filter TEXT]...` runs the assembly's xunit tests in this process and prints the counts.
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Onnxc.XunitRunner;

/// <summary>
/// A minimal xunit v2 console runner: the NuGet copy here serves no netcoreapp console runner for xunit 2.9
/// (xunit.runner.console stops at 2.4.1, and xunit.runner.utility is absent), and the GPU machine has the .NET
/// runtime only, so `dotnet test` cannot run there. This loads the test assembly with its own deps.json
/// (<see cref="AssemblyDependencyResolver"/>, managed and native), discovers with xunit's own
/// <see cref="XunitTestFramework"/>, keeps the cases whose display name contains any --filter text, runs them, and
/// ends with "N passed, N failed, N skipped". Exit code 0 only when nothing failed and at least one test ran.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine("usage: Onnxc.XunitRunner TESTS.dll [--filter TEXT]... [--verbose]");
            return 2;
        }

        string path = Path.GetFullPath(args[0]);
        var filters = new List<string>();
        bool verbose = false;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--filter" && i + 1 < args.Length)
            {
                filters.Add(args[++i]);
            }
            else if (args[i] == "--verbose")
            {
                verbose = true;
            }
            else
            {
                Console.Error.WriteLine($"unknown argument '{args[i]}'");
                return 2;
            }
        }

        Assembly assembly = Load(path);
        var diagnostics = new ConsoleSink(verbose);
        using var framework = new XunitTestFramework(diagnostics);
        var options = new RunnerOptions();

        var discovery = new DiscoverySink();
        using (var discoverer = framework.GetDiscoverer(Reflector.Wrap(assembly)))
        {
            discoverer.Find(includeSourceInformation: false, discovery, options);
            discovery.Finished.WaitOne();
        }

        var cases = discovery.TestCases
            .Where(c => filters.Count == 0 || filters.Any(f => c.DisplayName.Contains(f, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Console.WriteLine($"{Path.GetFileName(path)}: {discovery.TestCases.Count} test cases, running {cases.Count}" +
            (filters.Count == 0 ? string.Empty : $" (filter: {string.Join(" | ", filters)})"));

        var run = new ConsoleSink(verbose);
        using (var executor = framework.GetExecutor(assembly.GetName()))
        {
            executor.RunTests(cases, run, options);
            run.Finished.WaitOne();
        }

        Console.WriteLine($"{run.Passed} passed, {run.Failed} failed, {run.Skipped} skipped");
        return run.Failed == 0 && run.Passed > 0 ? 0 : 1;
    }

    /// <summary>Loads the test assembly into the default context, resolving what it needs from its own deps.json.</summary>
    private static Assembly Load(string path)
    {
        var resolver = new AssemblyDependencyResolver(path);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            resolver.ResolveAssemblyToPath(name) is { } p ? context.LoadFromAssemblyPath(p) : null;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
            resolver.ResolveUnmanagedDllToPath(name) is { } p ? NativeLibrary.Load(p) : IntPtr.Zero;
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
