// --provider cpu|cuda: the ONNX Runtime execution provider of eval and of the compile's verification.
using System.CommandLine;
using Onnxc.Evaluation;

namespace Onnxc.Driver.Commands;

internal static class ProviderOption
{
    public static Option<string> Create(string what)
    {
        var option = new Option<string>("--provider")
        {
            Description = $"{what}: cpu (default) or cuda (needs onnxc built with -p:OnnxcOrt=gpu, and CUDA on the machine).",
            HelpName = "cpu|cuda",
            DefaultValueFactory = _ => "cpu",
        };
        option.AcceptOnlyFromAmong("cpu", "cuda");
        return option;
    }

    public static ExecutionProvider Read(string? value) => value == "cuda" ? ExecutionProvider.Cuda : ExecutionProvider.Cpu;
}
