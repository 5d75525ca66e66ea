// --report-html on compile and eval: one self-contained page whose plots render in a real headless browser.
using System.Diagnostics;
using System.Text.RegularExpressions;
using Onnxc.TestSupport;

namespace Onnxc.Driver.Tests;

public sealed class HtmlReportTests
{
    private static readonly string[] s_plots = ["plot-size", "plot-latency", "plot-distribution", "plot-classes", "plot-sqnr"];

    private static string CompileWithReport(TempDir dir)
    {
        string html = dir.File("report.html");
        CliResult r = CliRunner.Run(ShippedModel.Model, "-O", "int8", "--calibration", ShippedModel.Calibration, "--preprocess", ShippedModel.Preprocess, "--no-speed-check",
            "--eval-data", ShippedModel.Test, "--goal", "speedup>=0.01,drop<=5", "--exclude", "Gemm", "--report-html", html, "-o", dir.File("out.onnx"));
        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        Assert.Contains($"html report: {html}", r.Stdout, StringComparison.Ordinal);
        return html;
    }

    [Fact]
    public void CompileReportIsSelfContainedWithEveryPlotTheTableTheVerdictAndWhatStayedFloat()
    {
        using var dir = new TempDir();
        string page = File.ReadAllText(CompileWithReport(dir));

        foreach (string id in s_plots)
        {
            Assert.Matches(new Regex($"<div class=\"plot\" id=\"{id}\"><svg[^>]*>.*?</svg></div>", RegexOptions.Singleline), page);
        }

        // Nothing to fetch: no scripts, no links, no external images.
        Assert.DoesNotMatch(new Regex(@"<script|<link|src=""http|href=""http", RegexOptions.IgnoreCase), page);
        Assert.Contains("<table id=\"summary\">", page, StringComparison.Ordinal);
        Assert.Contains("108,441", page, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"<td>top-1 \(%\)</td><td>99\.15</td><td>\d+\.\d\d</td>"), page);
        Assert.Matches(new Regex("<p id=\"goal\" class=\"pass\"><b>goal speedup&gt;=0.01,drop&lt;=5: met"), page);
        // --exclude Gemm kept the classifier in float, and the page says so with the reason.
        Assert.Matches(new Regex("<table id=\"float-nodes\">.*<td>Gemm</td>", RegexOptions.Singleline), page);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void EvalWritesTheSamePageAndNeedsNoCompile()
    {
        using var dir = new TempDir();
        string html = dir.File("eval.html");

        CliResult r = CliRunner.Run("eval", ShippedModel.Model, "--data", ShippedModel.Test, "--preprocess", ShippedModel.Preprocess, "--limit", "300", "--baseline", ShippedModel.Model, "--report-html", html);

        Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString());
        string page = File.ReadAllText(html);
        Assert.Contains("shapes-cnn.onnx against shapes-cnn.onnx", page, StringComparison.Ordinal);
        Assert.Contains("id=\"plot-classes\"><svg", page, StringComparison.Ordinal);
        Assert.DoesNotContain("plot-sqnr", page, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportHtmlWithoutEvalDataIsAUsageError()
    {
        using var dir = new TempDir();
        CliResult r = CliRunner.Run(ShippedModel.Model, "-O", "int8", "--calibration", ShippedModel.Calibration, "--report-html", dir.File("r.html"), "-o", dir.File("o.onnx"));

        Assert.True(r.ExitCode == ExitCodes.Usage, r.ToString());
        Assert.Contains("--report-html needs --eval-data", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    /// <summary>
    /// Headless Chromium loads the page from disk with the network off: its DOM has every plot's SVG, and its
    /// screenshot shows the output's bar colour (#1f77b4), so the plots are drawn, not only present.
    /// </summary>
    [ChromiumFact]
    public void TheReportRendersInHeadlessChromium()
    {
        Assert.True(Chromium.Path is not null, "CI requires Chromium for this test (.ci/run installs it): apt-get install chromium");
        using var dir = new TempDir();
        string html = CompileWithReport(dir);
        string url = new Uri(html).AbsoluteUri;

        string dom = RunChromium(dir, "--dump-dom", url);
        foreach (string id in s_plots)
        {
            Assert.Matches(new Regex($"id=\"{id}\"><svg", RegexOptions.Singleline), dom);
        }

        string png = Path.Combine(SharedData.RepoRoot, "TestResults", "html-report.png");
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);
        RunChromium(dir, $"--screenshot={png}", "--window-size=1300,2400", url);
        using FileStream stream = File.OpenRead(png);
        StbImageSharp.ImageResult image = StbImageSharp.ImageResult.FromStream(stream, StbImageSharp.ColorComponents.RedGreenBlue);
        int blue = 0;
        for (int i = 0; i + 2 < image.Data.Length; i += 3)
        {
            blue += Math.Abs(image.Data[i] - 0x1f) < 12 && Math.Abs(image.Data[i + 1] - 0x77) < 12 && Math.Abs(image.Data[i + 2] - 0xb4) < 12 ? 1 : 0;
        }

        Assert.True(blue > 2000, $"only {blue} pixels of the bars' colour in {png} ({image.Width}x{image.Height})");
    }

    private static string RunChromium(TempDir dir, params string[] args)
    {
        var start = new ProcessStartInfo(Chromium.Path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            $"--user-data-dir={dir.File("chromium-profile")}", "--proxy-server=127.0.0.1:9", .. args])
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "chromium did not finish in 2 minutes");
        Assert.True(p.ExitCode == 0, $"chromium exit {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
