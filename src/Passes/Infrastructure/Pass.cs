// The base of every pass: a name, the level it belongs to, what it needs, and one Run method.
using Onnxc.GraphIR;

namespace Onnxc.Passes;

/// <summary>
/// A transformation of a whole model. A pass does not report whether it changed anything: the
/// <see cref="PassManager"/> measures that through <see cref="Model.ChangeCount"/>, which every mutation of the
/// IR increments, so "changed" cannot be wrong.
/// </summary>
public abstract class Pass
{
    /// <summary>The kebab-case name used by --disable-pass, --print-ir-after and --list-passes.</summary>
    public abstract string Name { get; }

    /// <summary>One line for --list-passes.</summary>
    public abstract string Description { get; }

    /// <summary>The lowest optimization level whose pipeline contains this pass.</summary>
    public virtual OptLevel Level => OptLevel.O1;

    /// <summary>Which pipeline runs it, as --list-passes shows it: "-O1", "-O2", or a stage's "-O int8" or "--target GPU".</summary>
    public virtual string Pipeline => "-O" + (int)Level;

    public virtual PassRequirements Requires => PassRequirements.None;

    /// <summary>False for a stage without which there is no output at all (planning, emission): --disable-pass refuses its name.</summary>
    public virtual bool CanBeDisabled => true;

    /// <summary>Transforms <paramref name="model"/> in place through the IR's mutation API.</summary>
    public abstract void Run(Model model, PassContext context);

    public override string ToString() => Name;
}
