// merge-duplicate-initializers: makes readers of bit-identical initializers share one.
namespace Onnxc.Passes.Cleanup;

/// <summary>
/// Initializers with equal element type, dims and bytes are interchangeable: every reader of a later one reads the
/// first instead, and the later one is removed. Graph inputs (overridable) and graph outputs are left alone.
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
                if (!ConstantValues.IsFixed(v) || v.IsGraphOutput || v.Initializer!.ElementType == ElementType.String)
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
