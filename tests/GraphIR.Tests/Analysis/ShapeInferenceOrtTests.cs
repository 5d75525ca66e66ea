// Inferred shapes against what ONNX Runtime actually computes: every value of the real models becomes an output.
using Microsoft.ML.OnnxRuntime;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Tests.Verification;
using Onnxc.TestSupport;

namespace Onnxc.GraphIR.Tests.Analysis;

public sealed class ShapeInferenceOrtTests
{
    private const long Batch = 2;

    /// <summary>
    /// Erases every node output type of a real model, infers them, exposes every value as a graph output with its
    /// inferred type (so ORT also checks the element types at load), runs ORT on random inputs (batch 2 for
    /// symbolic dims), and requires each inferred dim to match the actual one: numbers exactly, a symbol the same
    /// number everywhere. All of them must be fully inferred.
    /// </summary>
    [SharedTheory]
    [MemberData(nameof(VerifierRealModelTests.SharedModelNames), MemberType = typeof(VerifierRealModelTests))]
    public void InferredShapesMatchWhatOrtComputes(string fileName)
    {
        Model model = OnnxImporter.Load(SharedData.Model(fileName));
        var originalOutputs = model.Graph.Outputs.ToHashSet();
        foreach (Node node in model.Graph.Nodes)
        {
            foreach (Value? v in node.Outputs)
            {
                if (v is not null && !originalOutputs.Contains(v))
                {
                    Graph.SetType(v, null);
                }
            }
        }

        ShapeInference.Run(model);
        var probed = model.Graph.Nodes.SelectMany(n => n.Outputs).OfType<Value>().Where(v => !originalOutputs.Contains(v)).ToList();
        Assert.All(probed, v => Assert.True(v.TensorType is { ElementType: not ElementType.Undefined, Shape: not null }, $"{v} not inferred"));
        foreach (Value v in probed)
        {
            model.Graph.AddOutput(v);
        }

        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "probed.onnx");
        OnnxExporter.Save(model, path);
        using var session = new InferenceSession(path);
        var inputs = model.Graph.Inputs.Where(i => !i.IsInitializer).ToList();
        var values = inputs.Select(RandomInput).ToList();
        try
        {
            var outputs = model.Graph.Outputs.ToList();
            using IDisposableReadOnlyCollection<OrtValue> results =
                session.Run(new RunOptions(), inputs.Select(i => i.Name).ToList(), values, outputs.Select(o => o.Name).ToList());
            var symbols = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (string? i in inputs.SelectMany(i => i.Shape!.Dims).Select(d => d.Param).Where(p => p is not null))
            {
                symbols[i!] = Batch;
            }

            var mismatches = new List<string>();
            for (int k = 0; k < outputs.Count; k++)
            {
                long[] actual = results[k].GetTensorTypeAndShape().Shape;
                TensorShape inferred = outputs[k].Shape!;
                bool ok = inferred.Rank == actual.Length && inferred.Dims.Zip(actual).All(p =>
                    p.First.Value is long n ? n == p.Second
                    : p.First.Param is { } s ? symbols.TryAdd(s, p.Second) || symbols[s] == p.Second
                    : false);
                if (!ok)
                {
                    mismatches.Add($"{outputs[k]} ({outputs[k].Producer?.OpType}): inferred {inferred}, ORT [{string.Join(",", actual)}]");
                }
            }

            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    private static OrtValue RandomInput(Value input)
    {
        long[] shape = [.. input.Shape!.Dims.Select(d => d.Value ?? Batch)];
        var random = new Random(7);
        int count = (int)TensorData.CountElements(shape);
        return input.ElementType switch
        {
            ElementType.Float => OrtValue.CreateTensorValueFromMemory([.. Enumerable.Range(0, count).Select(_ => random.NextSingle())], shape),
            ElementType.Float16 => OrtValue.CreateTensorValueFromMemory(
                [.. Enumerable.Range(0, count).Select(_ => (Float16)random.NextSingle())], shape),
            _ => throw new NotSupportedException($"{input} is {input.ElementType.OnnxName()}"),
        };
    }
}
