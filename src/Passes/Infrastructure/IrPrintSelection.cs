// Which passes --print-ir-after prints the IR after: none, all, those that changed it, or named ones.
using System.Collections.Immutable;

namespace Onnxc.Passes;

public sealed record IrPrintSelection
{
    private IrPrintSelection(IrPrintMode mode, ImmutableHashSet<string> names)
    {
        Mode = mode;
        Names = names;
    }

    public static IrPrintSelection None { get; } = new(IrPrintMode.None, []);

    public static IrPrintSelection All { get; } = new(IrPrintMode.All, []);

    public static IrPrintSelection Changed { get; } = new(IrPrintMode.Changed, []);

    public IrPrintMode Mode { get; }

    /// <summary>The pass names when <see cref="Mode"/> is <see cref="IrPrintMode.Named"/>.</summary>
    public ImmutableHashSet<string> Names { get; }

    public static IrPrintSelection Named(IEnumerable<string> passNames) =>
        new(IrPrintMode.Named, passNames.ToImmutableHashSet(StringComparer.Ordinal));

    /// <summary>Reads the command-line form: "all", "changed", or a comma-separated list of pass names.</summary>
    public static IrPrintSelection Parse(string text)
    {
        string t = text.Trim();
        return t switch
        {
            "" or "none" => None,
            "all" => All,
            "changed" => Changed,
            _ => Named(t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
        };
    }

    /// <summary>Whether the IR is printed after <paramref name="passName"/>, given whether it changed the model.</summary>
    public bool Selects(string passName, bool changed) => Mode switch
    {
        IrPrintMode.All => true,
        IrPrintMode.Changed => changed,
        IrPrintMode.Named => Names.Contains(passName),
        _ => false,
    };

    public bool Equals(IrPrintSelection? other) =>
        other is not null && Mode == other.Mode && Names.SetEquals(other.Names);

    public override int GetHashCode() => HashCode.Combine(Mode, Names.Count);
}
