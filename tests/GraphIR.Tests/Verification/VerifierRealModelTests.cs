// The verifier accepts every valid real model: ../shared/models and the ONNX test-data suites, before and after inference.
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;
using Onnxc.TestSupport;
using Xunit.Abstractions;

namespace Onnxc.GraphIR.Tests.Verification;

public sealed class VerifierRealModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> SharedModelNames()
    {
        var data = new TheoryData<string>();
        foreach (string path in RealModelCorpus.SharedModels())
        {
            data.Add(Path.GetFileName(path));
        }

        if (data.Count == 0)
        {
            data.Add("mnist-8.onnx"); // keeps the theory non-empty; it skips when ../shared is absent
        }

        return data;
    }

    [SharedTheory]
    [MemberData(nameof(SharedModelNames))]
    public void SharedModelVerifiesCleanBeforeAndAfterInference(string fileName)
    {
        Model model = OnnxImporter.Load(SharedData.Model(fileName));
        Assert.Empty(Verifier.Check(model));
        ShapeInference.Run(model);
        Assert.Empty(Verifier.Check(model));
    }

    [TestDataFact]
    public void EveryTestDataModelTheImporterLoadsVerifiesClean()
    {
        IReadOnlyList<string> models = RealModelCorpus.TestDataModels();
        Assert.NotEmpty(models);
        var failures = new List<string>();
        int loaded = 0;
        var notLoaded = new List<string>();
        foreach (string path in models)
        {
            Model model;
            try
            {
                model = OnnxImporter.Load(path);
            }
            catch (InvalidModelException e)
            {
                notLoaded.Add(RealModelCorpus.Short(path) + ": " + e.Detail);
                continue;
            }

            loaded++;
            foreach (VerifierError e in Verifier.Check(model))
            {
                failures.Add($"{RealModelCorpus.Short(path)}: {e.Node}: {e.Message}");
            }

            ShapeInference.Run(model);
            foreach (VerifierError e in Verifier.Check(model))
            {
                failures.Add($"{RealModelCorpus.Short(path)} after inference: {e.Node}: {e.Message}");
            }
        }

        output.WriteLine($"{loaded} of {models.Count} models loaded; not loaded: {notLoaded.Count}");
        foreach (string s in notLoaded)
        {
            output.WriteLine("  not loaded: " + s);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} errors:\n" + string.Join("\n", failures.Take(200)));
    }
}
