// --print-ir-after: writes the IR's stable text form after the selected passes.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Printing;

namespace Onnxc.Passes;

public sealed class PrintIrInstrument(IrPrintSelection selection, TextWriter output) : IPassInstrument
{
    private readonly IrPrintSelection _selection = selection;
    private readonly TextWriter _output = output;

    public void BeforePass(Pass pass, Model model)
    {
    }

    public void AfterPass(Pass pass, Model model, PassResult result)
    {
        if (!_selection.Selects(pass.Name, result.Changed))
        {
            return;
        }

        string round = result.Iteration > 0 ? $" (round {result.Iteration})" : string.Empty;
        _output.WriteLine($"// ----- IR after {pass.Name}{round}: {(result.Changed ? $"{result.Changes} changes" : "unchanged")} -----");
        _output.Write(IrPrinter.Print(model));
        _output.WriteLine();
    }
}
