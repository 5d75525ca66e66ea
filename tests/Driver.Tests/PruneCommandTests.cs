// onnxc MODEL --prune-flops/--prune-ratio/--sparsity [--recover] [-O int8] on the shipped model, and the refusals.
using System.Globalization;
using System.Text.RegularExpressions;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed partial class PruneCommandTests : IDisposable
{
    private const string Scale = "scale=0.00392156862745098";
    private static readonly string s_models = Path.Combine(SharedData.RepoRoot, "models");
    private static readonly string s_model = Path.Combine(s_models, "shapes-cnn.onnx");
    private static readonly string s_calib = Path.Combine(s_models, "shapes-calib", "images.npy");
    private static readonly string s_test = Path.Combine(s_models, "shapes-test", "images.npy");
    private readonly TempDir _dir = new("onnxc-prune");

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The combined pipeline in one command: half the MACs pruned, recovered by distillation from the unpruned
    /// model, then INT8. The summary shows the MACs, the recovery gains accuracy over the pruned model, and the
    /// output is a smaller INT8 model with the original's interface.
    /// </summary>
    [Fact]
    public void PruneRecoverAndQuantizeInOneCommand()
    {
        string output = _dir.File("out.onnx");
        CliResult r = CliRunner.Run(s_model, "--prune-flops", "0.5", "--channel-multiple", "4", "--min-channels", "4",
            "--recover", "--data", s_calib, "--val-data", s_test, "--preprocess", Scale, "--epochs", "3", "--batch", "32", "--lr", "0.01",
            "-O", "int8", "--calibration", s_calib, "--no-speed-check", "--eval-data", s_test, "--goal", "macs>=2,size<=0.5,drop<=0.01", "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString()); // a missed goal is reported, not an error

        Match macs = MacsLine().Match(r.Stdout);
        Assert.True(macs.Success, r.Stdout);
        Assert.True(Number(macs.Groups[3].Value) >= 2.0, macs.Value);

        string top1 = r.Stdout.Split('\n').Single(l => l.StartsWith("top-1 on", StringComparison.Ordinal));
        double[] p = [.. Percent().Matches(top1).Select(m => Number(m.Groups[1].Value))];
        Assert.True(p[0] > 98, top1); // the original
        Assert.True(p[2] > p[1] + 15, top1); // recovered against pruned

        // The final report: the written file against the input on --eval-data, and the verdict with its numbers.
        Assert.Contains("report: out.onnx against shapes-cnn.onnx on images.npy (2000 samples), ONNX Runtime CPU", r.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"  MACs \(batch 1\) +307,648 +[0-9,]+  [0-9.]+x fewer", r.Stdout);
        Assert.Matches(@"  batch 32 p50 +[0-9.]+ ms +[0-9.]+ ms  [0-9.]+x speedup", r.Stdout);
        Assert.Matches(@"  top-1 +99\.15% +[0-9.]+%  drop [0-9.]+ points", r.Stdout);
        Assert.Matches(@"goal macs>=2,size<=0.5,drop<=0.01: missed \(macs [0-9.]+x; size 0\.[0-9]+x; drop [0-9.]+, wanted <=0\.01\)", r.Stdout);

        Model m = OnnxImporter.Load(output);
        Assert.Contains(m.Graph.Nodes, n => n.OpType == "QuantizeLinear");
        Assert.DoesNotContain(m.Graph.Nodes, n => n.OpType == "BatchNormalization" && n.Inputs[0]!.Producer?.OpType == "Conv");
        Assert.Equal(["input"], m.Graph.Inputs.Where(v => !v.IsInitializer).Select(v => v.Name));
        Assert.Equal(["logits"], m.Graph.Outputs.Select(v => v.Name));
        using var runner = new OrtRunner(output);
        Assert.Equal(20, runner.Run(new Dictionary<string, OrtTensor> { ["input"] = OrtTensor.FromFloats([2, 1, 28, 28], new float[2 * 28 * 28]) })[0].ToFloats().Length);
    }

    /// <summary>
    /// A small vision transformer trained briefly on MNIST (about 77%) loses half its attention heads and MLP units
    /// (pruned: about 50%) and recovers with AdamW, distilled from itself unpruned (about 68% after 400 steps): the
    /// summary counts the heads, the Q projection and the head-split Reshape shrink, and recovery gains.
    /// </summary>
    [SharedFact]
    public void TransformerLosesWholeHeadsAndRecoversWithAdamW()
    {
        var shape = new Passes.Training.Networks.VitShape(Channels: 1, ImageSize: 28, Patch: 7, Dim: 32, Heads: 4, Depth: 1, MlpDim: 64, Classes: 10);
        string vit = _dir.File("vit.onnx");
        OnnxExporter.Save(Passes.Training.Networks.VisionTransformer.Build(shape, seed: 1, inputName: "input"), vit);
        string train = SharedData.Data("mnist-train", "images.npy"), test = SharedData.Data("mnist", "images.npy");
        string trained = _dir.File("vit-trained.onnx");
        CliResult t = CliRunner.Run("train", vit, "--data", train, "--preprocess", Scale, "--epochs", "4", "--steps-per-epoch", "300", "--batch", "32",
            "--optimizer", "adamw", "--lr", "0.005", "--schedule", "cosine", "-o", trained);
        Assert.True(t.ExitCode == 0, t.ToString());

        string output = _dir.File("vit-pruned.onnx");
        CliResult r = CliRunner.Run(trained, "--prune-ratio", "0.5", "--recover", "--data", train, "--val-data", test, "--preprocess", Scale,
            "--optimizer", "adamw", "--lr", "0.002", "--epochs", "2", "--steps-per-epoch", "200", "--batch", "32", "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("attention heads: 2 of 4 removed", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("with AdamW, distilled from the unpruned model", r.Stderr, StringComparison.Ordinal);
        string top1 = r.Stdout.Split('\n').Single(l => l.StartsWith("top-1 on", StringComparison.Ordinal));
        double[] p = [.. Percent().Matches(top1).Select(m => Number(m.Groups[1].Value))];
        Assert.True(p[0] > 65 && p[2] > p[1] + 8, top1); // trained; recovered against pruned

        Model m = OnnxImporter.Load(output);
        Assert.Equal([32, 16], m.Graph.FindValue("block1.attn.q.weight")!.Initializer!.Dims.ToArray());
        Assert.Equal([32, 32], m.Graph.FindValue("block1.mlp.fc1.weight")!.Initializer!.Dims.ToArray());
        Node split = m.Graph.Nodes.Single(n => n.Name == "block1.attn.q.split");
        Assert.Equal(2, split.Input(1)!.Initializer!.ToInt64s()[2]);

        CliResult bad = CliRunner.Run(trained, "--prune-ratio", "0.5", "--recover", "--data", train, "--optimizer", "adam", "-o", _dir.File("n.onnx"));
        Assert.True(bad.ExitCode == ExitCodes.Usage, bad.ToString());
        Assert.Contains("--optimizer adam: expected sgd or adamw", Assert.Single(bad.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(trained, "--prune-ratio", "0.5", "--optimizer", "adamw", "-o", _dir.File("n.onnx")).ExitCode);
        Assert.False(File.Exists(_dir.File("n.onnx")));
    }

    [Fact]
    public void PruneRatioWritesASmallerDenseModel()
    {
        string output = _dir.File("half.onnx");
        CliResult r = CliRunner.Run(s_model, "--prune-ratio", "0.5", "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("frozen: 10 group(s): reaches the graph output 'logits'", r.Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(output).Length < new FileInfo(s_model).Length / 2);
        // Each conv keeps half its channels, but never fewer than --min-channels (8).
        long[] before = ConvChannels(OnnxImporter.Load(s_model));
        Assert.Equal([.. before.Select(c => c <= 8 ? c : c / 2)], ConvChannels(OnnxImporter.Load(output)));
    }

    [Fact]
    public void TaylorCriterionReadsGradientsFromData()
    {
        string output = _dir.File("taylor.onnx");
        CliResult r = CliRunner.Run(s_model, "--prune-ratio", "0.5", "--prune-criterion", "taylor", "--data", s_calib, "--preprocess", Scale, "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("taylor: gradients of the loss on 8 batches of 64 from images.npy", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("MACs: 307,648 -> ", r.Stdout, StringComparison.Ordinal);

        CliResult noData = CliRunner.Run(s_model, "--prune-ratio", "0.5", "--prune-criterion", "taylor", "-o", _dir.File("n.onnx"));
        Assert.True(noData.ExitCode == ExitCodes.Usage, noData.ToString());
        Assert.Contains("--prune-criterion taylor needs --data TRAIN", Assert.Single(noData.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(s_model, "--prune-ratio", "0.5", "--data", s_calib, "-o", _dir.File("n.onnx")).ExitCode);
    }

    [Theory]
    [InlineData("--prune-ratio", "1.5")]
    [InlineData("--prune-ratio", "0")]
    [InlineData("--prune-flops", "-0.1")]
    public void RatioOutsideZeroOneIsAUsageError(string option, string value)
    {
        CliResult r = CliRunner.Run(s_model, option, value, "-o", _dir.File("o.onnx"));
        Assert.True(r.ExitCode == ExitCodes.Usage, r.ToString());
        Assert.Contains($"{option} {value}: must be between 0 and 1", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("o.onnx")));
    }

    [Fact]
    public void OptionMistakesAreUsageErrors()
    {
        string o = _dir.File("o.onnx");
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(s_model, "--prune-ratio", "0.5", "--prune-flops", "0.5", "-o", o).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(s_model, "--recover", "--data", s_calib, "-o", o).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(s_model, "--prune-ratio", "0.5", "--recover", "-o", o).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(s_model, "--prune-ratio", "0.5", "--prune-criterion", "taylor2", "-o", o).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(s_model, "--channel-multiple", "4", "-o", o).ExitCode);
        Assert.False(File.Exists(o));
    }

    [Fact]
    public void UnknownExcludeAndUnprunableModelAreExit2NamingTheFile()
    {
        string o = _dir.File("o.onnx");
        CliResult exclude = CliRunner.Run(s_model, "--prune-ratio", "0.5", "--prune-exclude", "no_such_conv", "-o", o);
        Assert.True(exclude.ExitCode == ExitCodes.InvalidInput, exclude.ToString());
        Assert.Equal($"onnxc: error: {s_model}: --prune-exclude no_such_conv: the model has no node or tensor of that name", Assert.Single(exclude.ErrorLines));

        // A model with no Conv, Gemm or MatMul has no channels to remove.
        string single = TestModels.Write(TestModels.Valid(), _dir.File("single.onnx"));
        CliResult nothing = CliRunner.Run(single, "--prune-ratio", "0.5", "-o", o);
        Assert.True(nothing.ExitCode == ExitCodes.InvalidInput, nothing.ToString());
        Assert.StartsWith($"onnxc: error: {single}: nothing to prune", Assert.Single(nothing.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(o));
    }

    /// <summary>
    /// 2:4 sparsity recovered by distillation: the summary names the layers and their sparsity, recovery gains over
    /// the sparsified model, and the written model still has exactly half of each sparsified weight zero, two in
    /// every four input channels (training kept the mask; BatchNormalization folding kept the zeros).
    /// </summary>
    [Fact]
    public void TwoOfFourSparsityRecoversAndKeepsItsZeros()
    {
        string output = _dir.File("sparse.onnx");
        CliResult r = CliRunner.Run(s_model, "--sparsity", "2:4", "--recover", "--data", s_calib, "--val-data", s_test,
            "--preprocess", Scale, "--epochs", "3", "--batch", "32", "--lr", "0.01", "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("sparsity (2:4): 13,280 of 26,632 weights are zero (49.86%) in 3 of 4 layers", r.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"conv1 +72 weights +0\.00% zero  dense: 1 input channel, not a multiple of 4", r.Stdout);
        string top1 = r.Stdout.Split('\n').Single(l => l.StartsWith("top-1 on", StringComparison.Ordinal));
        double[] p = [.. Percent().Matches(top1).Select(m => Number(m.Groups[1].Value))];
        Assert.True(p[2] > p[1] + 5, top1);

        Model m = OnnxImporter.Load(output);
        foreach (Node n in m.Graph.Nodes.Where(n => n.OpType is "Conv" or "Gemm").Skip(1))
        {
            TensorData w = n.Input(1)!.Initializer!;
            float[] v = w.ToFloats();
            long inner = w.Dims.Length > 2 ? w.Dims[2] * w.Dims[3] : 1;
            int axis = n.OpType == "Conv" || n.GetInt("transB", 0) != 0 ? 1 : 0;
            long channels = w.Dims[axis];
            Assert.True(axis == 1, $"{n.Name}: expected the input channels on axis 1");
            for (long g = 0; g < v.Length / (4 * inner); g++)
            {
                long o = g / (channels / 4);
                long c = (g % (channels / 4)) * 4;
                for (long i = 0; i < inner; i++)
                {
                    int zeros = Enumerable.Range(0, 4).Count(j => v[(((o * channels) + c + j) * inner) + i] == 0);
                    Assert.True(zeros == 2, $"{n.Name}: {zeros} zeros in the group at output {o}, channel {c}, position {i}");
                }
            }
        }
    }

    /// <summary>Channels first, then 80 % of the remaining weights: the summary has both, and so does the file.</summary>
    [Fact]
    public void ChannelPruningAndUnstructuredSparsityCombine()
    {
        string output = _dir.File("both.onnx");
        CliResult r = CliRunner.Run(s_model, "--prune-flops", "0.5", "--channel-multiple", "4", "--min-channels", "4",
            "--sparsity", "0.8", "--prune-global", "-o", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(MacsLine().IsMatch(r.Stdout), r.Stdout);
        Assert.Contains("sparsity (unstructured): ", r.Stdout, StringComparison.Ordinal);
        Model m = OnnxImporter.Load(output);
        float[] weights = [.. m.Graph.Nodes.Where(n => n.OpType is "Conv" or "Gemm").SelectMany(n => n.Input(1)!.Initializer!.ToFloats())];
        Assert.InRange(weights.Count(v => v == 0) / (double)weights.Length, 0.799, 0.801);
        Assert.True(ConvChannels(m).Sum() < ConvChannels(OnnxImporter.Load(s_model)).Sum());
    }

    /// <summary>
    /// --sparse-storage writes the 90 %-zero weights as sparse_initializer: the file shrinks to about a third, ONNX
    /// Runtime gives the dense file's outputs, inspect counts the zeros, and -O 2 on it densifies again.
    /// </summary>
    [Fact]
    public void SparseStorageShrinksTheFileAndRunsTheSame()
    {
        string dense = _dir.File("dense.onnx");
        string sparse = _dir.File("sparse.onnx");
        Assert.Equal(0, CliRunner.Run(s_model, "--sparsity", "0.9", "-o", dense).ExitCode);
        CliResult r = CliRunner.Run(s_model, "--sparsity", "0.9", "--sparse-storage", "-o", sparse);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("sparse storage: 3 weight(s) as sparse_initializer, 90.0% zero: 106,240 -> 31,872 bytes", r.Stdout, StringComparison.Ordinal);
        Assert.InRange(new FileInfo(sparse).Length / (double)new FileInfo(dense).Length, 0.25, 0.4);

        var rng = new Random(5);
        float[] x = [.. Enumerable.Range(0, 4 * 28 * 28).Select(_ => (float)rng.NextDouble())];
        var inputs = new Dictionary<string, OrtTensor> { ["input"] = OrtTensor.FromFloats([4, 1, 28, 28], x) };
        using (var a = new OrtRunner(dense))
        using (var b = new OrtRunner(sparse))
        {
            Assert.Equal(a.Run(inputs)[0].ToFloats(), b.Run(inputs)[0].ToFloats());
        }

        CliResult inspect = CliRunner.Run("inspect", sparse);
        Assert.Contains("3 of them stored sparse", inspect.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"zero weights: 23,969 of [0-9,]+ float parameters", inspect.Stdout);

        string again = _dir.File("again.onnx");
        Assert.Equal(0, CliRunner.Run(sparse, "-O", "2", "-o", again).ExitCode);
        Assert.Empty(OnnxImporter.ReadProto(again).Graph.SparseInitializer);

        CliResult none = CliRunner.Run(s_model, "--sparse-storage", "-O", "2", "-o", _dir.File("none.onnx"));
        Assert.Contains("sparse storage: no float weight is sparse enough", none.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void GoalMistakesAreUsageErrorsAndEvalPrintsTheVerdict()
    {
        string o = _dir.File("o.onnx");
        CliResult noData = CliRunner.Run(s_model, "-O", "2", "--goal", "speedup>=2", "-o", o);
        Assert.True(noData.ExitCode == ExitCodes.Usage, noData.ToString());
        Assert.Contains("--goal needs --eval-data", Assert.Single(noData.ErrorLines), StringComparison.Ordinal);
        CliResult bad = CliRunner.Run(s_model, "-O", "2", "--eval-data", s_test, "--goal", "latency<=3", "-o", o);
        Assert.True(bad.ExitCode == ExitCodes.Usage, bad.ToString());
        Assert.Contains("--goal latency<=3: goal term 'latency<=3': unknown metric 'latency'", Assert.Single(bad.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(o));
        Assert.Equal(ExitCodes.Usage, CliRunner.Run("eval", s_model, "--data", s_test, "--goal", "drop<=1").ExitCode);

        CliResult eval = CliRunner.Run("eval", s_model, "--data", s_test, "--preprocess", Scale, "--baseline", s_model, "--limit", "200", "--goal", "drop<=0,size<=1");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Contains("goal drop<=0,size<=1: met (drop 0.00; size 1x)", eval.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// --prune-sensitivity on the shipped model: a row per prunable layer with its drop at 25/50/75 %, measured on
    /// real held-out data, and a layer losing three quarters of its channels costs more than losing a quarter.
    /// </summary>
    [Fact]
    public void PruneSensitivityPrintsAPerLayerTable()
    {
        string o = _dir.File("o.onnx");
        CliResult r = CliRunner.Run(s_model, "--prune-sensitivity", "--eval-data", s_test, "--preprocess", Scale,
            "--channel-multiple", "4", "--min-channels", "4", "-o", o);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("prune sensitivity on images.npy (2000 samples, top-1 99.15% unpruned)", r.Stdout, StringComparison.Ordinal);
        string[] rows = [.. r.Stdout.Split('\n').Where(l => SensitivityRow().IsMatch(l))];
        Assert.Equal(["conv1", "conv2", "fc1"], rows.Select(l => SensitivityRow().Match(l).Groups[1].Value).Order());
        Match conv2 = SensitivityRow().Match(rows.Single(l => l.Contains("conv2", StringComparison.Ordinal)));
        Assert.True(Number(conv2.Groups[5].Value) > Number(conv2.Groups[3].Value) + 10, conv2.Value);

        CliResult noData = CliRunner.Run(s_model, "--prune-sensitivity", "-o", _dir.File("n.onnx"));
        Assert.True(noData.ExitCode == ExitCodes.Usage, noData.ToString());
        Assert.Contains("--prune-sensitivity needs --eval-data", Assert.Single(noData.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("3:4")]
    [InlineData("half")]
    public void BadSparsityIsAUsageError(string value)
    {
        CliResult r = CliRunner.Run(s_model, "--sparsity", value, "-o", _dir.File("o.onnx"));
        Assert.True(r.ExitCode == ExitCodes.Usage, r.ToString());
        Assert.Contains($"--sparsity {value}: expected a share between 0 and 1 (exclusive) or 2:4", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("o.onnx")));
    }

    [Fact]
    public void SparsityOnAModelWithNoWeightsIsExit2()
    {
        string single = TestModels.Write(TestModels.Valid(), _dir.File("single.onnx"));
        string o = _dir.File("o.onnx");
        CliResult r = CliRunner.Run(single, "--sparsity", "0.5", "-o", o);
        Assert.True(r.ExitCode == ExitCodes.InvalidInput, r.ToString());
        Assert.StartsWith($"onnxc: error: {single}: nothing to sparsify", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(s_model, "--prune-global", "-o", o).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(s_model, "--sparsity", "0.5", "--min-channels", "4", "-o", o).ExitCode);
        Assert.False(File.Exists(o));
    }

    private static long[] ConvChannels(Model m) =>
        [.. m.Graph.Nodes.Where(n => n.OpType == "Conv").Select(n => n.Input(1)!.Initializer!.Dims[0])];

    private static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"MACs: ([0-9,]+) -> ([0-9,]+) \(([0-9.]+)x fewer\)")]
    private static partial Regex MacsLine();

    [GeneratedRegex(@"^  (\w+) +(\d+) +(-|[0-9.]+) +(-|[0-9.]+) +(-|[0-9.]+) +([0-9.]+)%$")]
    private static partial Regex SensitivityRow();

    [GeneratedRegex(@"([0-9.]+)%")]
    private static partial Regex Percent();
}
