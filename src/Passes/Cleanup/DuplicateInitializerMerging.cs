// merge-duplicate-initializers: makes readers of bit-identical initializers share one.
namespace Onnxc.Passes.Cleanup;

/// <summary>
/// Initializers with equal element type, dims and bytes are interchangeable: every reader of a later one reads the
/// first instead, and the later one is removed. Graph inputs (overridable) and graph outputs are left alone, and so
/// is every layer parameter (<see cref="ParameterSlots.IsParameter"/>): two layers with equal weights still own
/// them, and sharing one tensor would tie them for a later training run or pruning pass. Shape vectors, axes,
/// scalars and other operands are what merging is for (it makes nodes reading copies of one constant equal for
/// common-subexpression elimination).
/// </summary>
public sealed class DuplicateInitializerMerging : Pass
{
    public override string Name => "merge-duplicate-initializers";

    public override string Description => "share one initializer among bit-identical ones";

    public override void Run(Model model, PassContext context)
    {
        foreach (Graph graph in PassScope.Graphs(model))
        {
            var seen = new Dictionary<int, List<Value>>();
            foreach (Value v in graph.Initializers.ToList())
            {
                if (!ConstantValues.IsFixed(v) || v.IsGraphOutput || v.Initializer!.ElementType == ElementType.String || v.Uses.Any(ParameterSlots.IsParameter))
                {
                    continue;
                }

                int key = Hash(v.Initializer!);
                if (!seen.TryGetValue(key, out List<Value>? bucket))
                {
                    seen.Add(key, [v]);
                    continue;
                }

                Value? same = bucket.FirstOrDefault(b => b.Initializer!.ContentEquals(v.Initializer!));
                if (same is null)
                {
                    bucket.Add(v);
                    continue;
                }

                graph.ReplaceAllUsesWith(v, same);
                graph.RemoveInitializer(v);
            }
        }
    }

    private static int Hash(TensorData t)
    {
        var h = new HashCode();
        h.Add(t.ElementType);
        foreach (long d in t.Dims)
        {
            h.Add(d);
        }

        h.AddBytes(t.GetBytes().Span);
        return h.ToHashCode();
    }
}
