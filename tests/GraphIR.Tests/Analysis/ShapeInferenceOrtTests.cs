// Inferred shapes against what ONNX Runtime actually computes: every value of the real models becomes an output.
using Microsoft.ML.OnnxRuntime;
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Tests.Verification;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.GraphIR.Tests.Analysis;

public sealed class ShapeInferenceOrtTests(ITestOutputHelper output)
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

    /// <summary>
    /// The same check on the multi-node suites of the ONNX test data (simple, pytorch-converted, pytorch-operator),
    /// fed their stored inputs: every inferred dim of every value must match what ORT computes, and a model ORT
    /// runs must still load once our inferred types are declared on all its values. Models ORT itself cannot run
    /// (opset 1 and 6 kernels it dropped) are counted and skipped.
    /// </summary>
    [TestDataFact]
    public void InferredShapesMatchOrtOnTheMultiNodeTestData()
    {
        var mismatches = new List<string>();
        int checkedModels = 0;
        int checkedValues = 0;
        int skipped = 0;
        int unknown = 0;
        using var dir = new TempDir();
        foreach (string path in RealModelCorpus.TestDataModels().Where(p => !p.Contains("/node/", StringComparison.Ordinal)))
        {
            IReadOnlyList<OrtTestDataSet> sets = OrtTestDataSet.ForModel(path);
            OrtTestDataSet? data = sets.Count > 0 ? sets[0] : null;
            Dictionary<string, OrtTensor> inputs;
            try
            {
                using var original = new OrtRunner(path);
                if (data is null || original.NonTensorReason is not null)
                {
                    skipped++;
                    continue;
                }

                inputs = new Dictionary<string, OrtTensor>(data.InputsFor(original));
                original.Run(inputs);
            }
            catch (OnnxRuntimeException)
            {
                skipped++;
                continue;
            }

            Model model = OnnxImporter.Load(path);
            var outputs = model.Graph.Outputs.ToHashSet();
            var probed = model.Graph.Nodes.SelectMany(n => n.Outputs).OfType<Value>().Where(v => !outputs.Contains(v)).ToList();
            probed.ForEach(v => Graph.SetType(v, null));
            ShapeInference.Run(model);
            unknown += probed.Count(v => v.Shape is null);
            foreach (Value v in probed.Where(v => v.TensorType is { ElementType: not ElementType.Undefined }))
            {
                model.Graph.AddOutput(v);
            }

            string probedPath = Path.Combine(dir.Path, $"probed{checkedModels}.onnx");
            OnnxExporter.Save(model, probedPath);
            IReadOnlyList<OrtTensor> results;
            try
            {
                using var runner = new OrtRunner(probedPath);
                results = runner.Run(inputs);
            }
            catch (OnnxRuntimeException e)
            {
                mismatches.Add($"{RealModelCorpus.Short(path)}: ORT rejects the inferred types: {e.Message.ReplaceLineEndings(" ")}");
                continue;
            }

            checkedModels++;
            var all = model.Graph.Outputs.ToList();
            for (int k = 0; k < all.Count; k++)
            {
                if (all[k].Shape is not { } inferred)
                {
                    continue;
                }

                checkedValues++;
                long[] actual = [.. results[k].Shape];
                if (inferred.Rank != actual.Length || inferred.Dims.Zip(actual).Any(p => p.First.Value is long n && n != p.Second))
                {
                    mismatches.Add($"{RealModelCorpus.Short(path)}: {all[k]} ({all[k].Producer?.OpType}) inferred {inferred}, ORT [{string.Join(",", actual)}]");
                }
            }
        }

        output.WriteLine($"{checkedModels} models, {checkedValues} values with an inferred shape checked against ORT ({unknown} intermediate values left without a shape); {skipped} models skipped");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(100)));
        Assert.True(checkedModels > 50, $"only {checkedModels} models could be checked");
    }
}
