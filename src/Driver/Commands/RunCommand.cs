// onnxc run MODEL --target T --input X.npy: runs a lowered model's INT8 kernel plan on the GPU, or on the CPU for correctness.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Onnxc.GraphIR;
using Onnxc.Kernels.Runtime;

namespace Onnxc.Driver.Commands;

/// <summary>
/// Loads the plan that `-O int8 --target GPU` embedded in a model, runs it once on a float32 .npy input (and writes
/// the output as .npy), or times it with --bench. It uses the CUDA accelerator when a GPU is present and ILGPU's CPU
/// accelerator otherwise, and says which.
/// </summary>
internal sealed class RunCommand
{
    private readonly Argument<string> _model = new("MODEL") { Description = "A model compiled with -O int8 --target rtx2050.", Arity = ArgumentArity.ExactlyOne };

    private readonly Option<string> _target = new("--target") { Description = "The target the model was lowered for.", HelpName = "TARGET", Required = true };

    private readonly Option<string> _input = new("--input") { Description = "The input as a float32 .npy array in the model's input shape.", HelpName = "X.npy", Required = true };

    private readonly Option<string> _output = new("--output") { Description = "Write the first output here as float32 .npy.", HelpName = "Y.npy" };

    private readonly Option<int?> _bench = new("--bench") { Description = "Time N runs after warm-up and print the median.", HelpName = "N" };

    private readonly Option<bool> _cpu = new("--cpu") { Description = "Use ILGPU's CPU accelerator even when a GPU is present." };

    public Command Create()
    {
        var command = new Command("run", "Run a lowered model's INT8 kernels (CUDA when a GPU is present, else ILGPU's CPU accelerator).")
        {
            _model, _target, _input, _output, _bench, _cpu,
        };
        _model.Validators.Add(ModelArgument.RejectUnknownOption);
        command.Validators.Add(r =>
        {
            if (r.GetValue(_bench) is <= 0)
            {
                r.AddError("--bench must be a positive number of runs");
            }
        });
        command.SetAction(Execute);
        return command;
    }

    private int Execute(ParseResult parse)
    {
        string path = parse.GetRequiredValue(_model);
        string target = parse.GetRequiredValue(_target);
        Model model = Compilation.ModelInput.LoadVerified(path);
        ExecutionPlan plan;
        try
        {
            plan = PlanArtifact.ReadPlan(model);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FormatException)
        {
            throw new InvalidModelException($"holds no usable kernel plan ({e.Message}); compile it with -O int8 --target {target}", path);
        }

        if (!string.Equals(plan.Target, target, StringComparison.Ordinal))
        {
            throw new InvalidModelException($"was lowered for {plan.Target}, not {target}", path);
        }

        string inputPath = parse.GetRequiredValue(_input);
        (int[] shape, float[] data) = ReadInput(inputPath);
        using PlanRuntime runtime = PlanRuntime.Create(plan, parse.GetValue(_cpu) ? RuntimeDevice.Cpu : RuntimeDevice.Auto);
        TextWriter stdout = parse.InvocationConfiguration.Output;
        stdout.WriteLine($"device: {runtime.DeviceDescription}");
        int[] expected = runtime.InputShape(0);
        if (!shape.SequenceEqual(expected))
        {
            throw new InvalidModelException($"input shape [{string.Join(",", shape)}] does not match the plan's [{string.Join(",", expected)}]", inputPath);
        }

        float[] result = runtime.Run(data);
        if (parse.GetValue(_output) is { } outputPath)
        {
            NpyFloat32.Write(outputPath, runtime.OutputShape(0), result);
        }

        stdout.WriteLine($"output {runtime.OutputNames[0]} [{string.Join(",", runtime.OutputShape(0))}]: " +
            string.Join(" ", result.Take(10).Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + (result.Length > 10 ? " ..." : string.Empty));
        if (parse.GetValue(_bench) is int runs)
        {
            var times = new List<double>(runs);
            var clock = new Stopwatch();
            for (int i = 0; i < runs; i++)
            {
                clock.Restart();
                runtime.Run(data);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            stdout.WriteLine(FormattableString.Invariant($"bench: {runs} runs, median {times[runs / 2]:F3} ms, p90 {times[Math.Min(runs - 1, runs * 9 / 10)]:F3} ms"));
        }

        return ExitCodes.Ok;
    }

    private static (int[] Shape, float[] Data) ReadInput(string path)
    {
        try
        {
            return NpyFloat32.Read(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            throw new InvalidModelException("cannot read the input: " + e.Message, path);
        }
    }
}
