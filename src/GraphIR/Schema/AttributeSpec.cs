// One attribute an operator accepts: its name, the kinds it may have, and whether it must be given.
using System.Collections.Immutable;

namespace Onnxc.GraphIR.Schema;

/// <param name="Kinds">Usually one kind; more where opset versions disagree (Cast-1 took "to" as a STRING).</param>
public sealed record AttributeSpec(string Name, ImmutableArray<AttributeKind> Kinds, bool Required);
