// -O int8 / int8-dynamic and onnxc eval on the default model, end to end through the command line.
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class Int8CommandTests
{
    private const string Scale = "scale=0.00392156862745098";

    private static string Models(params string[] parts) => Path.Combine([SharedData.RepoRoot, "models", .. parts]);

    [Fact]
    public void Int8_compile_of_the_default_model_is_smaller_verified_and_as_accurate()
    {
        using var dir = new TempDir();
        string output = dir.File("int8.onnx");
        CliResult compile = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", Models("shapes-calib", "images.npy"),
            "--preprocess", Scale, "-o", output, "--report", dir.File("report.json"), "--no-speed-check");
        Assert.True(compile.ExitCode == ExitCodes.Ok, compile.ToString());
        Assert.Contains("verification:", compile.Stdout);
        Assert.DoesNotContain("speed check", compile.Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(output).Length <= 0.30 * new FileInfo(Models("shapes-cnn.onnx")).Length);
        Assert.Contains("\"quantized_ops\"", File.ReadAllText(dir.File("report.json")));

        CliResult eval = CliRunner.Run("eval", output, "--data", Models("shapes-test", "images.npy"), "--preprocess", Scale,
            "--baseline", Models("shapes-cnn.onnx"), "--batch", "8", "--json");
        Assert.True(eval.ExitCode == ExitCodes.Ok, eval.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(eval.Stdout);
        string text = json.RootElement.ToString();
        Assert.Contains("top1", text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The speed check times every encoding against float and writes what it chose: the report records the medians
    /// of all four candidates and the choice, and the written file is that candidate. Which one wins depends on the
    /// machine; that the file matches the recorded choice does not.
    /// </summary>
    [Fact]
    public void Speed_check_writes_the_candidate_it_reports()
    {
        using var dir = new TempDir();
        string output = dir.File("fast.onnx");
        CliResult r = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", Models("shapes-calib", "images.npy"),
            "--preprocess", Scale, "--calibration-samples", "64", "-o", output, "--report", dir.File("report.json"));
        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Contains("speed check (ONNX Runtime CPU, speed-up over float at batch 32 / batch 1", r.Stdout, StringComparison.Ordinal);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        System.Text.Json.JsonElement speed = report.RootElement.GetProperty("speedCheck");
        Assert.Equal(["qdq", "qoperator", "dynamic", "float"], speed.GetProperty("mediansMs").EnumerateObject().Select(p => p.Name));
        string choice = speed.GetProperty("choice").GetString()!;
        double fastest = speed.GetProperty("mediansMs").EnumerateObject().Min(p => p.Value.GetProperty("batchBMs").GetDouble());
        Assert.Equal(fastest, speed.GetProperty("mediansMs").GetProperty(choice).GetProperty("batchBMs").GetDouble());
        Assert.Equal(choice, EncodingOf(OnnxImporter.Load(output)));
    }

    [Theory]
    [InlineData("float")]
    [InlineData("qoperator")]
    [InlineData("qdq")]
    [InlineData("dynamic")]
    public void Encoding_plan_replays_a_recorded_choice_without_timing(string choice)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("plan.json"), $$"""{ "quantized_ops": [], "speedCheck": { "choice": "{{choice}}", "batch": 32 } }""");
        CliResult r = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", Models("shapes-calib", "images.npy"),
            "--preprocess", Scale, "--calibration-samples", "64", "--encoding-plan", dir.File("plan.json"), "-o", dir.File("o.onnx"));
        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Contains($"speed check: replayed from --encoding-plan: writing {choice}", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(choice, EncodingOf(OnnxImporter.Load(dir.File("o.onnx"))));
    }

    [Fact]
    public void Bad_encoding_plans_are_refused()
    {
        using var dir = new TempDir();
        string[] common = [Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", Models("shapes-calib", "images.npy"), "--preprocess", Scale, "-o", dir.File("o.onnx")];
        File.WriteAllText(dir.File("plan.json"), """{ "speedCheck": { "choice": "fp16" } }""");
        CliResult wrong = CliRunner.Run([.. common, "--encoding-plan", dir.File("plan.json")]);
        Assert.True(wrong.ExitCode == ExitCodes.InvalidInput, wrong.ToString());
        Assert.Contains("chose 'fp16', which is not an encoding onnxc writes (qdq, qoperator, dynamic, float)", Assert.Single(wrong.ErrorLines), StringComparison.Ordinal);
        Assert.StartsWith($"onnxc: error: {dir.File("plan.json")}: ", wrong.ErrorLines[0], StringComparison.Ordinal);
        File.WriteAllText(dir.File("junk.json"), "not json");
        Assert.Equal(ExitCodes.InvalidInput, CliRunner.Run([.. common, "--encoding-plan", dir.File("junk.json")]).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run([.. common, "--encoding-plan", dir.File("missing.json")]).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run([.. common, "--encoding-plan", dir.File("plan.json"), "--no-speed-check"]).ExitCode);
        Assert.False(File.Exists(dir.File("o.onnx")));
    }

    /// <summary>Which candidate a written model is, by its ops.</summary>
    private static string EncodingOf(Model m) =>
        m.Graph.Nodes.Any(n => n.OpType == "QLinearConv") ? "qoperator"
        : m.Graph.Nodes.Any(n => n.OpType == "DynamicQuantizeMatMul" || n.OpType == "DynamicQuantizeLinear" || n.OpType == "MatMulInteger") ? "dynamic"
        : m.Graph.Nodes.Any(n => n.OpType == "QuantizeLinear") ? "qdq"
        : "float";

    [Theory]
    [InlineData("qoperator")]
    [InlineData("qdq")]
    public void Both_formats_run_and_pass_self_verification(string format)
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", Models("shapes-calib", "images.npy"),
            "--preprocess", Scale, "--format", format, "--calibration-samples", "64", "-o", dir.File("q.onnx"));
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("top-1 agreement", result.Stdout);
    }

    [Fact]
    public void Int8_without_calibration_data_is_refused_and_writes_nothing()
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "-o", dir.File("q.onnx"));
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("needs --calibration", result.Stderr);
        Assert.False(File.Exists(dir.File("q.onnx")));
    }

    [Theory]
    [InlineData("--calibrate", "fancy", "unknown calibration method 'fancy'")]
    [InlineData("--activations", "u4", "--activations must be u8 or s8")]
    [InlineData("--format", "weird", "weird")]
    [InlineData("--quant-scope", "layers", "--quant-scope must be auto, full or matmul")]
    [InlineData("--target", "tpu", "unknown target 'tpu'")]
    [InlineData("--calibration-samples", "0", "--calibration-samples must be a positive number")]
    public void Bad_int8_flags_are_usage_errors(string option, string value, string expected)
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", Models("shapes-calib", "images.npy"), option, value, "-o", dir.File("q.onnx"));
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.False(File.Exists(dir.File("q.onnx")));
    }

    [Fact]
    public void A_calibration_table_is_written_once_then_read_and_gives_the_same_file()
    {
        using var dir = new TempDir();
        string[] args = [Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", Models("shapes-calib", "images.npy"), "--preprocess", "scale=0.00392156862745098",
            "--no-speed-check", "--calibration-table", dir.File("ranges.json")];

        CliResult first = CliRunner.Run([.. args, "-o", dir.File("a.onnx")]);
        CliResult second = CliRunner.Run([.. args, "-o", dir.File("b.onnx")]);

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.Contains("wrote the calibration table", first.Stderr);
        Assert.Equal(ExitCodes.Ok, second.ExitCode);
        Assert.DoesNotContain("calibrating", second.Stderr);
        Assert.Equal(File.ReadAllBytes(dir.File("a.onnx")), File.ReadAllBytes(dir.File("b.onnx")));
        Assert.Contains("\"ranges\"", File.ReadAllText(dir.File("ranges.json")));
    }

    [Fact]
    public void A_calibration_table_that_is_not_one_is_one_line_and_writes_nothing()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("ranges.json"), "{ not json");
        CliResult result = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", Models("shapes-calib", "images.npy"),
            "--calibration-table", dir.File("ranges.json"), "-o", dir.File("q.onnx"));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("ranges.json: not a calibration table", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(dir.File("q.onnx")));
        Assert.Equal("{ not json", File.ReadAllText(dir.File("ranges.json")));
    }

    [Fact]
    public void Bad_calibration_data_is_one_line_naming_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.npy"), "not numpy");
        CliResult result = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8", "--calibration", dir.File("bad.npy"), "-o", dir.File("q.onnx"));
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.StartsWith("onnxc: error: ", result.Stderr);
        Assert.Contains("bad.npy", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(dir.File("q.onnx")));
    }

    [Fact]
    public void Eval_with_default_options_works_as_the_README_shows()
    {
        CliResult eval = CliRunner.Run("eval", Models("shapes-cnn.onnx"), "--data", Models("shapes-test", "images.npy"), "--preprocess", Scale, "--limit", "200");
        Assert.True(eval.ExitCode == ExitCodes.Ok, eval.ToString());
        Assert.Contains("top-1", eval.Stdout);

        CliResult bad = CliRunner.Run("eval", Models("shapes-cnn.onnx"), "--data", Models("shapes-test", "images.npy"), "--batch", "0");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("--batch must be positive", bad.Stderr);
    }

    [Fact]
    public void Dynamic_int8_needs_no_data()
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(Models("shapes-cnn.onnx"), "-O", "int8-dynamic", "-o", dir.File("d.onnx"));
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.True(File.Exists(dir.File("d.onnx")));
    }
}
