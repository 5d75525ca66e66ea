// The kinds of --print-ir-after selections.
namespace Onnxc.Passes;

public enum IrPrintMode
{
    None,
    All,
    Changed,
    Named,
}
