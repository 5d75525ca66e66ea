// Shape inference against the types real models declare: erase every inferred-able type, infer, compare.
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Tests.Verification;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.GraphIR.Tests.Analysis;

public sealed class ShapeInferenceRealModelTests(ITestOutputHelper output)
{
    /// <summary>
    /// Over the ONNX test-data suites (whose generators declare exact output types): every node output's type is
    /// erased, inference runs, and each inferred fact must agree with the declared type (element type, rank, known
    /// dims). Outputs it leaves unknown are counted, not failed; the coverage is printed.
    /// </summary>
    [TestDataFact]
    public void InferredTypesAgreeWithDeclaredOnesInTheTestData()
    {
        var conflicts = new List<string>();
        var missed = new List<string>();
        int declared = 0;
        int exact = 0;
        foreach (string path in RealModelCorpus.TestDataModels())
        {
            Compare(OnnxImporter.Load(path), RealModelCorpus.Short(path), conflicts, ref declared, ref exact, missed);
        }

        output.WriteLine($"{exact} of {declared} declared node-output types inferred exactly; not inferred, by op:");
        foreach (IGrouping<string, string> g in missed.GroupBy(m => m).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {g.Key} x{g.Count()}");
        }

        Assert.True(conflicts.Count == 0, $"{conflicts.Count} conflicts:\n" + string.Join("\n", conflicts.Take(150)));
        Assert.True(exact > declared * 7 / 10, $"only {exact} of {declared} declared types inferred exactly");
    }

    [SharedFact]
    public void InferredTypesAgreeWithDeclaredOnesInTheSharedModels()
    {
        var conflicts = new List<string>();
        int declared = 0;
        int exact = 0;
        foreach (string path in RealModelCorpus.SharedModels())
        {
            Compare(OnnxImporter.Load(path), Path.GetFileName(path), conflicts, ref declared, ref exact);
        }

        output.WriteLine($"{exact} of {declared} declared node-output types inferred exactly");
        Assert.True(conflicts.Count == 0, string.Join("\n", conflicts));
        Assert.Equal(declared, exact);
    }

    private static void Compare(Model model, string name, List<string> conflicts, ref int declared, ref int exact, List<string>? missed = null)
    {
        var expected = new Dictionary<Value, TensorType>();
        foreach (Graph g in model.AllGraphs())
        {
            foreach (Node node in g.Nodes)
            {
                foreach (Value? v in node.Outputs)
                {
                    if (v is null)
                    {
                        continue;
                    }

                    if (v.TensorType is { ElementType: not ElementType.Undefined, Shape: not null } t && t.Shape.IsStatic)
                    {
                        expected[v] = t;
                    }

                    Graph.SetType(v, null);
                }
            }
        }

        ShapeInference.Run(model);
        foreach ((Value v, TensorType want) in expected)
        {
            declared++;
            TensorType? got = v.TensorType;
            if (got is null)
            {
                missed?.Add(v.Producer?.OpType ?? "?");
                continue;
            }

            bool typeOk = got.ElementType == ElementType.Undefined || got.ElementType == want.ElementType;
            bool shapeOk = got.Shape is null || (got.Shape.Rank == want.Shape!.Rank
                && got.Shape.Dims.Zip(want.Shape.Dims).All(p => !p.First.IsKnown || p.First.Value == p.Second.Value));
            if (!typeOk || !shapeOk)
            {
                string producer = v.Producer?.OpType ?? "?";
                conflicts.Add($"{name}: {v} ({producer}) declared {want}, inferred {got}");
            }
            else if (got == want)
            {
                exact++;
            }
            else
            {
                missed?.Add(v.Producer?.OpType ?? "?");
            }
        }
    }
}
