// Before the compile target: where each OnnxModel goes, and every file its compile depends on.
using System.Security.Cryptography;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Onnxc.Build;

/// <summary>
/// For each OnnxModel item, sets <c>OnnxcOutput</c> (the compiled file under <see cref="OutputFolder"/>: the
/// OutputName metadata, or the model's name with its level, <c>net.int8.onnx</c>) and <c>OnnxcInputs</c>: the model,
/// its external data (<c>MODEL.data</c> and the files its tensors name), the files of every path-valued option
/// (Calibration, EvalData, Data, ValData, Teacher, EncodingPlan; a folder counts with all its files), the onnxc
/// assemblies, and <c>OnnxcOptionsFile</c>, which holds a hash of the item's metadata and is rewritten only when
/// that changes. The compile target lists these as its Inputs and Outputs, so MSBuild skips an unchanged model.
/// </summary>
public sealed class PrepareOnnxModels : Microsoft.Build.Utilities.Task
{
    private static readonly string[] s_pathOptions = ["Calibration", "EvalData", "Data", "ValData", "Teacher", "EncodingPlan"];

    [Required]
    public ITaskItem[] Models { get; set; } = [];

    [Required]
    public string OutputFolder { get; set; } = "";

    [Output]
    public ITaskItem[] Result { get; private set; } = [];

    public override bool Execute()
    {
        var result = new List<ITaskItem>();
        var outputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // The onnxc assemblies beside this task: every model's compile depends on them.
        string taskFolder = Path.GetDirectoryName(typeof(PrepareOnnxModels).Assembly.Location)!;
        string[] assemblies = [.. Directory.GetFiles(taskFolder, "Onnxc.*.dll"), .. Directory.GetFiles(taskFolder, "onnxc.dll")];
        foreach (ITaskItem model in Models)
        {
            string name = model.GetMetadata("OutputName") is { Length: > 0 } given ? given
                : $"{Path.GetFileNameWithoutExtension(model.ItemSpec)}.{model.GetMetadata("Optimization").Replace('-', '.')}.onnx";
            string output = Path.Combine(OutputFolder, name);
            if (outputs.TryGetValue(output, out string? other))
            {
                Log.LogError("onnxc", "ONNXC001", null, model.ItemSpec, 0, 0, 0, 0,
                    $"OnnxModel '{model.ItemSpec}': its output {name} is also '{other}''s; give one of them another OutputName");
                continue;
            }

            outputs[output] = model.ItemSpec;
            string optionsFile = output + ".options";
            WriteWhenDifferent(optionsFile, Describe(model));

            var inputs = new List<string> { model.GetMetadata("FullPath"), optionsFile };
            // OnnxcCheckModels has made sure the model exists.
            inputs.AddRange(Onnxc.GraphIR.Onnx.ExternalDataFiles.Of(model.GetMetadata("FullPath")));
            foreach (string option in s_pathOptions)
            {
                if (model.GetMetadata(option) is { Length: > 0 } path)
                {
                    inputs.AddRange(FilesOf(path));
                }
            }

            inputs.AddRange(assemblies);

            var item = new TaskItem(model);
            item.SetMetadata("OnnxcOutput", output);
            item.SetMetadata("OnnxcOptionsFile", optionsFile);
            // Unescaped on purpose: the semicolons separate the target's Inputs.
            item.SetMetadata("OnnxcInputs", string.Join(";", inputs.Distinct(StringComparer.Ordinal)));
            result.Add(item);
        }

        Result = [.. result];
        return !Log.HasLoggedErrors;
    }

    /// <summary>The item's every custom metadata, sorted, and the model's full path, hashed: what its compile was asked.</summary>
    private static string Describe(ITaskItem model)
    {
        var sb = new StringBuilder();
        sb.Append("model=").Append(model.GetMetadata("FullPath")).Append('\n');
        foreach (string name in model.MetadataNames.Cast<string>().Where(n => !IsWellKnown(n)).Order(StringComparer.OrdinalIgnoreCase))
        {
            sb.Append(name).Append('=').Append(model.GetMetadata(name)).Append('\n');
        }

        string text = sb.ToString();
        return text + "sha256=" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))) + "\n";
    }

    private static bool IsWellKnown(string name) => name is "FullPath" or "RootDir" or "Filename" or "Extension" or "RelativeDir"
        or "Directory" or "RecursiveDir" or "Identity" or "ModifiedTime" or "CreatedTime" or "AccessedTime" or "DefiningProjectFullPath"
        or "DefiningProjectDirectory" or "DefiningProjectName" or "DefiningProjectExtension" or "OriginalItemSpec";

    private static void WriteWhenDifferent(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text);
    }

    private static IEnumerable<string> FilesOf(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        : [Path.GetFullPath(path)];
}
