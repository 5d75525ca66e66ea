// What an opset upgrade did: the versions and each node it rewrote.
namespace Onnxc.Passes.Opset;

public sealed record OpsetUpgradeResult(long From, long To, IReadOnlyList<string> Rewritten);
