// Load and re-emit of each shared model, next to a plain protobuf parse+write of the same file as the baseline.
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Onnxc.GraphIR;
using Onnxc.GraphIR.Onnx;

namespace Onnxc.Benchmarks;

/// <summary>
/// Per shared model: OnnxImporter.Load, OnnxExporter.Save of the loaded model, and both together. The baseline
/// parses the file into a ModelProto and writes it back with Google.Protobuf alone, the way Save writes (a new
/// file with a 64 KiB buffer, renamed over the target: truncating an existing file instead makes ext4 flush it
/// on close, which would bill the baseline for a disk flush), so the ratio says what the IR costs on top of the
/// wire format. Saves go to a temp folder; the page cache absorbs the writes, as it does for the driver.
/// </summary>
[MemoryDiagnoser]
public class LoadSaveBenchmarks
{
    private string _path = "";
    private string _folder = "";
    private string _output = "";
    private Model? _loaded;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    public static IEnumerable<string> Models() => SharedModels.Files();

    [GlobalSetup]
    public void Setup()
    {
        _path = SharedModels.PathOf(Model);
        _folder = Directory.CreateTempSubdirectory("onnxc-bench-").FullName;
        _output = Path.Combine(_folder, "model.onnx");
    }

    [GlobalSetup(Target = nameof(Save))]
    public void SetupSave()
    {
        Setup();
        _loaded = OnnxImporter.Load(_path);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true)]
    public void ProtobufParseAndWrite()
    {
        ModelProto proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(_path));
        string temp = _output + ".tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            proto.WriteTo(stream);
        }

        File.Move(temp, _output, overwrite: true);
    }

    [Benchmark]
    public Model Load() => OnnxImporter.Load(_path);

    [Benchmark]
    public void Save() => OnnxExporter.Save(_loaded!, _output);

    [Benchmark]
    public void LoadAndSave() => OnnxExporter.Save(OnnxImporter.Load(_path), _output);
}
