// The -O0/-O1/-O2 pipelines, written out as code with the reason for each block's place.
namespace Onnxc.Passes.Pipelines;

/// <summary>
/// Builds the optimization pipelines. The INT8 pipeline builds on these: it calls <see cref="AddCleanup"/> and
/// <see cref="AddFusions"/> first, so calibration observes the graph as it will run.
/// </summary>
public static class PassPipelines
{
    /// <summary>The pipeline for <paramref name="level"/>; throws for unknown names in the options.</summary>
    public static PassManager Build(OptLevel level, PassOptions options)
    {
        PassRegistry.Validate(options.DisabledPasses);
        if (options.PrintIrAfter.Mode == IrPrintMode.Named)
        {
            PassRegistry.ValidatePassNames(options.PrintIrAfter.Names);
        }

        var pm = new PassManager("-O" + (int)level);
        if (level >= OptLevel.O1)
        {
            AddCleanup(pm);
        }

        if (level >= OptLevel.O2)
        {
            AddFusions(pm);
        }

        return pm;
    }

    /// <summary>The -O1 cleanup, iterated to a fixed point because each pass exposes work for the others.</summary>
    public static void AddCleanup(PassManager pm) => pm.AddFixedPoint(
        // Constant nodes become initializers and constant chains fold first: every later pass then sees
        // constants as initializers, which is what their guards look for.
        PassRegistry.Get("fold-constants"),

        // Shape arithmetic on static dims folds next; it leaves constants that the no-op rules can judge
        // (a Reshape whose target just became constant may turn out to keep the shape).
        PassRegistry.Get("fold-shape-arithmetic"),
        PassRegistry.Get("eliminate-no-ops"),

        // Merging bit-identical initializers before CSE makes nodes that read copies of one constant equal.
        PassRegistry.Get("merge-duplicate-initializers"),
        PassRegistry.Get("eliminate-common-subexpressions"),

        // Dead nodes, then the initializers only they read, go last.
        PassRegistry.Get("eliminate-dead-code"),
        PassRegistry.Get("remove-unused-initializers"));

    /// <summary>The -O2 fusions, after cleanup (fusions want constant weights and single-use edges).</summary>
    public static void AddFusions(PassManager pm) => pm.AddFixedPoint(
        // Data movement first: cancelling Transpose/Reshape pairs exposes Conv -> BN and MatMul -> Add chains.
        PassRegistry.Get("simplify-data-movement"),
        PassRegistry.Get("fuse-local"),

        // In quantized graphs, DQ -> Q pairs and DQs in front of data movement hide the QDQ groups lowering needs.
        PassRegistry.Get("simplify-qdq"),

        // Fusions leave identity transposes, constant subexpressions and dead weights behind.
        PassRegistry.Get("eliminate-no-ops"),
        PassRegistry.Get("fold-constants"),
        PassRegistry.Get("eliminate-dead-code"),
        PassRegistry.Get("remove-unused-initializers"));
}
