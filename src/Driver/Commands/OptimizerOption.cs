// --optimizer sgd|adamw: the optimizer of `onnxc train` and of the compile's --qat/--recover.
using System.CommandLine;

namespace Onnxc.Driver.Commands;

internal static class OptimizerOption
{
    public static Option<string> Create(string description)
    {
        var option = new Option<string>("--optimizer")
        {
            Description = description,
            HelpName = "sgd|adamw",
            DefaultValueFactory = _ => "sgd",
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } o && o is not ("sgd" or "adamw"))
            {
                r.AddError($"--optimizer {o}: expected sgd or adamw");
            }
        });
        return option;
    }

    public static bool IsAdamW(string? value) => value == "adamw";
}
