// Guards and helpers shared by the Gemm fusions.
namespace Onnxc.Passes.Fusion;

internal static class GemmFusionChecks
{
    /// <summary>N, the output columns, from the constant B (or -1 when B is not a constant matrix).</summary>
    public static long Columns(Node gemm)
    {
        if (ConstantValues.TryGet(gemm.Input(1)) is not { Dims.Length: 2 } b)
        {
            return -1;
        }

        return gemm.GetInt("transB", 0) != 0 ? b.Dims[0] : b.Dims[1];
    }

    /// <summary>The constant's value per column: c[n], or c[0] repeated for a single-element constant.</summary>
    public static double[] ColumnVector(TensorData c, long columns)
    {
        double[] v = c.ToDoubles();
        return v.Length == columns ? v : [.. Enumerable.Repeat(v[0], (int)columns)];
    }

    public static string? PerColumn(Node gemm, Value constant)
    {
        long n = Columns(gemm);
        if (n < 0)
        {
            return "B is not a constant matrix";
        }

        TensorData b = gemm.Input(1)!.Initializer!;
        TensorData c = constant.Initializer!;
        if (!WeightMath.IsFoldableFloat(b.ElementType) || c.ElementType != b.ElementType)
        {
            return $"B {b} and constant {c} are not both FLOAT or DOUBLE";
        }

        return ShapeFitsRow(c, n);
    }

    public static string? RowBroadcast(Node gemm, Value constant)
    {
        TensorData c = constant.Initializer!;
        if (!WeightMath.IsFoldableFloat(c.ElementType))
        {
            return $"constant {c} is not FLOAT or DOUBLE";
        }

        if (gemm.Input(2) is { Initializer: { } oldC } && oldC.ElementType != c.ElementType)
        {
            return $"C {oldC} and constant {c} differ in type";
        }

        long n = Columns(gemm);
        if (n < 0 && gemm.Output(0)!.Shape is { Rank: 2 } s && s[1].Value is long known)
        {
            n = known;
        }

        return n < 0 ? "the number of output columns is unknown" : ShapeFitsRow(c, n);
    }

    /// <summary>Shapes [], [1], [N], [1,1] and [1,N] broadcast the same way as a Gemm row.</summary>
    private static string? ShapeFitsRow(TensorData c, long n)
    {
        long[] d = [.. c.Dims];
        bool ok = d.Length switch
        {
            0 => true,
            1 => d[0] == 1 || d[0] == n,
            2 => d[0] == 1 && (d[1] == 1 || d[1] == n),
            _ => false,
        };
        return ok ? null : $"constant {c} does not broadcast along the rows of an output with {n} columns";
    }
}
