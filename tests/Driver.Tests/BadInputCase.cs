// One kind of bad input: how to make it in a folder, and what the one-line error must mention.
namespace Onnxc.Driver.Tests;

/// <param name="Name">The case name shown by the test runner.</param>
/// <param name="Make">Writes the bad input under the given case folder and returns the path to hand to onnxc.</param>
/// <param name="Mentions">Fragments the message must contain besides the file (node, value, tensor names).</param>
/// <param name="AnyOf">When not empty, at least one of these must appear too (e.g. either node of a cycle).</param>
internal sealed record BadInputCase(string Name, Func<BadInputFolders, string> Make, string[] Mentions, string[] AnyOf)
{
    public override string ToString() => Name;
}
