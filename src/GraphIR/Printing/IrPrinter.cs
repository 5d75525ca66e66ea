// The stable text form of the IR, for --print-ir-after, golden tests and bug reports.
namespace Onnxc.GraphIR.Printing;

public static class IrPrinter
{
    /// <summary>The model as stable text: same model, same text, byte for byte.</summary>
    public static string Print(Model model) => throw new NotImplementedException("being written");

    public static string Print(Graph graph) => throw new NotImplementedException("being written");
}
