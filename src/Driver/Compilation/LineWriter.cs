// A TextWriter that hands each complete line to a callback, so code that writes text can report to an observer.
using System.Text;

namespace Onnxc.Compilation;

/// <summary>
/// Buffers characters until a newline and passes the line (without it) on; <see cref="Flush"/> passes on a last
/// unfinished line. Used for the pass manager's --time-passes and --print-ir-after output and the summaries that
/// are written as text.
/// </summary>
internal sealed class LineWriter(Action<string> line) : TextWriter
{
    private readonly StringBuilder _pending = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            EmitPending();
        }
        else if (value != '\r')
        {
            _pending.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        foreach (char c in value)
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        EmitPending();
    }

    public override void Flush()
    {
        if (_pending.Length > 0)
        {
            EmitPending();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void EmitPending()
    {
        string text = _pending.ToString();
        _pending.Clear();
        line(text);
    }
}
