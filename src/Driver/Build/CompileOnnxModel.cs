// The MSBuild task behind <OnnxModel> items: one model, compiled in-process through the library.
using Microsoft.Build.Framework;
using Onnxc.Compilation;
using Onnxc.Driver;
using Onnxc.Evaluation;
using Onnxc.Evaluation.Data;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;
using Onnxc.Passes.Training;

namespace Onnxc.Build;

/// <summary>
/// Compiles <see cref="Model"/> to <see cref="OutputPath"/> with the options its metadata names (see
/// <see cref="Cli.ReadCompileOptions(string, string, IEnumerable{KeyValuePair{string, string}})"/>). A failure is
/// one MSBuild error located at the model file, coded by onnxc's exit code: ONNXC001 a bad option, ONNXC002 a
/// bad model or data file, ONNXC003 a bug in onnxc, ONNXC004 an INT8 model that failed verification, ONNXC130
/// a cancelled build. Nothing is written on failure (the library writes to a temporary file and renames it).
/// </summary>
public sealed class CompileOnnxModel : Microsoft.Build.Utilities.Task, ICancelableTask
{
    /// <summary>Metadata of an OnnxModel item that is for the build itself, not an onnxc option.</summary>
    private static readonly HashSet<string> s_buildMetadata = new(StringComparer.OrdinalIgnoreCase)
    {
        "OutputName", "CopyToOutputDirectory", "CopyToPublishDirectory", "Link", "Visible", "DependentUpon",
        "OnnxcOutput", "OnnxcOptionsFile", "OnnxcInputs", "OriginalItemSpec",
    };

    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The OnnxModel item: its path and, as metadata, the onnxc options.</summary>
    [Required]
    public ITaskItem Model { get; set; } = null!;

    /// <summary>Where the compiled model goes (under the intermediate output folder).</summary>
    [Required]
    public string OutputPath { get; set; } = "";

    public void Cancel() => _cancellation.Cancel();

    public override bool Execute()
    {
        string item = Model.ItemSpec;
        CompileOptions options;
        try
        {
            options = Cli.ReadCompileOptions(item, OutputPath, Options(Model));
        }
        catch (ArgumentException e)
        {
            return Error("ONNXC001", $"OnnxModel '{item}': {e.Message}");
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(OutputPath))!);
            CompileResult result = OnnxCompiler.Compile(options, new BuildObserver(Log, item), _cancellation.Token);
            Log.LogMessage(MessageImportance.High,
                $"onnxc: {item} -> {OutputPath} ({result.Level}{(result.Encoding is { } e ? ", " + e : "")}, {result.InputBytes:N0} -> {result.OutputBytes:N0} bytes)");
            return true;
        }
        catch (Exception e) when (e is InvalidModelException or SampleDataException or FileAccessException or TrainingException or ProviderUnavailableException)
        {
            return Error("ONNXC002", e.Message);
        }
        catch (QuantizationException e)
        {
            return Error("ONNXC004", $"the INT8 model of '{item}' failed self-verification, nothing was written: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            return Error("ONNXC130", $"compiling '{item}' was cancelled; nothing was written");
        }
#pragma warning disable CA1031 // Any other exception is a bug in onnxc; the build reports it as one error, not a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Error("ONNXC003", $"internal error compiling '{item}': {e.GetType().Name}: {e.Message} -- this is a bug in onnxc; please report it");
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Options(ITaskItem model)
    {
        foreach (System.Collections.DictionaryEntry entry in model.CloneCustomMetadata())
        {
            string name = (string)entry.Key;
            if (!s_buildMetadata.Contains(name))
            {
                yield return new(name, (string?)entry.Value ?? "");
            }
        }
    }

    private bool Error(string code, string message)
    {
        Log.LogError(subcategory: "onnxc", errorCode: code, helpKeyword: null, file: Model.ItemSpec,
            lineNumber: 0, columnNumber: 0, endLineNumber: 0, endColumnNumber: 0, message: message.ReplaceLineEndings(" "));
        return false;
    }

    /// <summary>Summary lines are normal-importance build messages, diagnostics low, warnings MSBuild warnings.</summary>
    private sealed class BuildObserver(Microsoft.Build.Utilities.TaskLoggingHelper log, string item) : CompileObserver
    {
        private const string WarningPrefix = "onnxc: warning: ";

        public override void Summary(string line) => log.LogMessage(MessageImportance.Normal, "onnxc: " + line);

        public override void Diagnostic(string line)
        {
            if (line.StartsWith(WarningPrefix, StringComparison.Ordinal))
            {
                log.LogWarning(subcategory: "onnxc", warningCode: "ONNXC100", helpKeyword: null, file: item, lineNumber: 0,
                    columnNumber: 0, endLineNumber: 0, endColumnNumber: 0, message: line[WarningPrefix.Length..]);
            }
            else
            {
                log.LogMessage(MessageImportance.Low, line);
            }
        }
    }
}
