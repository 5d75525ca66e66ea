// Gradient checks of MatMul (batched, broadcast batch dims, 1-D operands) and Gemm (every flag, C broadcast).
using Onnxc.GraphIR;

namespace Onnxc.Passes.Tests.Training.Autodiff;

public sealed class MatMulGradientTests
{
    public static TheoryData<long[], long[]> MatMulCases() => new()
    {
        { [3, 5], [5, 7] },
        { [2, 3, 5], [5, 7] },
        { [3, 5], [2, 5, 7] },
        { [2, 1, 3, 5], [3, 5, 4] },
        { [5], [5, 7] },
        { [3, 5], [5] },
        { [2, 3, 5], [5] },
        { [5], [2, 5, 3] },
        { [5], [5] },
    };

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMulGradientsMatchFiniteDifferences(long[] aDims, long[] bDims)
    {
        GradientCheck.AssertGradients(GradientModels.Single("MatMul", 13, [aDims, bDims]), GradientModels.Names(2));
    }

    public static TheoryData<long, long, float, float, long[]> GemmCases()
    {
        var data = new TheoryData<long, long, float, float, long[]>();
        foreach (long ta in new long[] { 0, 1 })
        {
            foreach (long tb in new long[] { 0, 1 })
            {
                data.Add(ta, tb, 1f, 1f, [3, 7]);
                data.Add(ta, tb, 0.7f, -1.3f, [7]);
            }
        }

        data.Add(0, 1, 2f, 0.5f, [3, 1]);
        data.Add(1, 0, 1f, 2f, [1]);
        data.Add(1, 1, -0.5f, 1f, []);
        return data;
    }

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void GemmGradientsForEveryFlag(long transA, long transB, float alpha, float beta, long[] cDims)
    {
        // y = alpha·A'·B' + beta·C with A' of [3,5] and B' of [5,7].
        long[] aDims = transA != 0 ? [5, 3] : [3, 5];
        long[] bDims = transB != 0 ? [7, 5] : [5, 7];
        Model m = GradientModels.Single("Gemm", 13, [aDims, bDims, cDims],
            NodeAttribute.Of("transA", transA), NodeAttribute.Of("transB", transB),
            NodeAttribute.Of("alpha", alpha), NodeAttribute.Of("beta", beta));
        GradientCheck.AssertGradients(m, GradientModels.Names(3));
    }

    [Fact]
    public void GemmWithoutC()
    {
        GradientCheck.AssertGradients(GradientModels.Single("Gemm", 13, [[3, 5], [7, 5]], NodeAttribute.Of("transB", 1L)), GradientModels.Names(2));
    }
}
