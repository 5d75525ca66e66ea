// The compile command's INT8 options: calibration data, scheme, format, target, accuracy control, report.
using System.CommandLine;
using Onnxc.Compilation;
using Onnxc.GraphIR;
using Onnxc.Passes.Quantization;

namespace Onnxc.Driver.Commands;

/// <summary>Declares the -O int8 / int8-dynamic options on the root command and reads them into <see cref="Int8Settings"/>.</summary>
internal sealed class Int8Options
{
    private readonly Option<string> _calibration = new("--calibration")
    {
        Description = "Calibration samples for -O int8: a .npy file (uint8/float32 images or arrays), a folder of JPEG/PNG images (optional labels.txt), or ONNX test-data folders.",
        HelpName = "DATA",
    };

    private readonly Option<string> _preprocess = new("--preprocess")
    {
        Description = "How samples become model input: \"scale=S;mean=a,b,c;std=a,b,c;channels=rgb|bgr;resize=N;crop=H\", each part optional.",
        HelpName = "SPEC",
    };

    private readonly Option<int?> _samples = new("--calibration-samples")
    {
        Description = "How many calibration samples to use, evenly spread over the data (default 256).",
        HelpName = "N",
    };

    private readonly Option<string> _calibrationTable = new("--calibration-table")
    {
        Description = "Calibration ranges as JSON: read from FILE when it exists (tensors it lacks are calibrated), else calibrated and written there, so later compiles skip calibration and give the same file.",
        HelpName = "FILE",
    };

    private readonly Option<string> _calibrate = new("--calibrate")
    {
        Description = "Range observer: minmax, percentile[:P], entropy or mse (default percentile:99.999, measured best on the shared models).",
        HelpName = "METHOD",
    };

    private readonly Option<string> _activations = new("--activations")
    {
        Description = "Activation type: u8 (default) or s8.",
        HelpName = "u8|s8",
        DefaultValueFactory = _ => "u8",
    };

    private readonly Option<bool> _perTensor = new("--per-tensor")
    {
        Description = "One weight scale per tensor instead of per output channel.",
    };

    private readonly Option<string> _scope = new("--quant-scope")
    {
        Description = "What static INT8 quantizes: auto (default: matmul for a model with LayerNorm, else full), full (every op with an INT8 rule) or matmul (only MatMul/Gemm inputs; residual adds, LayerNorm, Softmax and GELU stay float).",
        HelpName = "auto|full|matmul",
        DefaultValueFactory = _ => "auto",
    };

    private readonly Option<string> _format = new("--format")
    {
        Description = "Output form: qdq (QuantizeLinear/DequantizeLinear around float ops, default) or qoperator (QLinearConv, QLinearMatMul, com.microsoft QLinear*).",
        HelpName = "qdq|qoperator",
        DefaultValueFactory = _ => "qdq",
    };

    private readonly Option<string> _target = new("--target")
    {
        Description = "What the model will run on: cpu (default; 7-bit weights, correct in ONNX Runtime on AVX2 CPUs without VNNI), cpu-vnni (full 8-bit weights), rtx2050.",
        HelpName = "TARGET",
        DefaultValueFactory = _ => "cpu",
    };

    private readonly Option<int?> _planBatch = new("--plan-batch")
    {
        Description = "With a GPU --target: the batch size the kernel plan is compiled for when the model's batch dimension is symbolic (default 1; plans have static shapes).",
        HelpName = "N",
    };

    private readonly Option<string[]> _exclude = new("--exclude")
    {
        Description = "Keep these nodes (by name) or op types in float (repeatable).",
        HelpName = "NAME|OPTYPE",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<double?> _maxDrop = new("--max-accuracy-drop")
    {
        Description = "Keep the most sensitive layers in float until the measured top-1 drop on --eval-data is at most X points.",
        HelpName = "X",
    };

    private readonly Option<string> _evalData = new("--eval-data")
    {
        Description = "Labelled samples for --max-accuracy-drop and for the final report against the input (same forms as --calibration).",
        HelpName = "DATA",
    };

    private readonly Option<bool> _noVerify = new("--no-verify")
    {
        Description = "Skip running the INT8 model against the float model in ONNX Runtime after compiling.",
    };

    private readonly Option<string> _provider = ProviderOption.Create("Where self-verification and the --eval-data report run the models in ONNX Runtime");

    private readonly Option<string> _reportHtml = new("--report-html")
    {
        Description = "With --eval-data: write the final report as one self-contained HTML page with plots (sizes, latencies, their distribution, top-1 per class, per-layer SQNR, what stayed float).",
        HelpName = "FILE",
    };

    private readonly Option<bool> _noSpeedCheck = new("--no-speed-check")
    {
        Description = "Write the INT8 model even where ONNX Runtime runs the float one faster (by default -O int8 times its encodings against float and keeps the fastest).",
    };

    private readonly Option<string> _encodingPlan = new("--encoding-plan")
    {
        Description = "Replay the speed check's choice recorded in this --report JSON file instead of timing again.",
        HelpName = "FILE",
    };

    private readonly Option<string> _report = new("--report")
    {
        Description = "Write the full compile summary as JSON to this file.",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Add(_calibration);
        command.Add(_preprocess);
        command.Add(_samples);
        command.Add(_calibrationTable);
        command.Add(_calibrate);
        command.Add(_activations);
        command.Add(_perTensor);
        command.Add(_scope);
        command.Add(_format);
        command.Add(_target);
        command.Add(_planBatch);
        command.Add(_exclude);
        command.Add(_maxDrop);
        command.Add(_evalData);
        command.Add(_noVerify);
        command.Add(_noSpeedCheck);
        command.Add(_provider);
        command.Add(_reportHtml);
        command.Add(_encodingPlan);
        command.Add(_report);
        command.Validators.Add(result =>
        {
            try
            {
                if (Int8Settings.Validate(Read(result)) is { } error)
                {
                    result.AddError(error);
                }
            }
            catch (ArgumentException e)
            {
                // --format, --activations or --quant-scope that names no such thing.
                result.AddError(e.Message);
            }

            if (result.GetValue(_samples) is <= 0)
            {
                result.AddError("--calibration-samples must be a positive number");
            }

            if (result.GetValue(_planBatch) is <= 0)
            {
                result.AddError("--plan-batch must be a positive number");
            }

            if (result.GetValue(_maxDrop) is double d && (d < 0 || !double.IsFinite(d)))
            {
                result.AddError("--max-accuracy-drop must be a non-negative number of points");
            }

            if (result.GetValue(_noSpeedCheck) && result.GetValue(_encodingPlan) is not null)
            {
                result.AddError("--encoding-plan replays the speed check that --no-speed-check turns off: give one");
            }

            if (result.GetValue(_encodingPlan) is { } plan && !File.Exists(plan))
            {
                result.AddError($"--encoding-plan {plan}: no such file");
            }

            if (result.GetValue(_reportHtml) is not null && result.GetValue(_evalData) is null)
            {
                result.AddError("--report-html needs --eval-data (labelled samples the report measures on)");
            }

            if (result.GetValue(_maxDrop) is not null && result.GetValue(_evalData) is null)
            {
                result.AddError("--max-accuracy-drop needs --eval-data (labelled samples)");
            }
        });
    }

    public Int8Settings Read(ParseResult parse) => Read(parse.RootCommandResult);

    /// <summary>Whether --eval-data was given.</summary>
    public bool HasEvalData(System.CommandLine.Parsing.CommandResult r) => r.GetValue(_evalData) is not null;

    private Int8Settings Read(System.CommandLine.Parsing.CommandResult r) => new()
    {
        CalibrationPath = r.GetValue(_calibration),
        Preprocess = r.GetValue(_preprocess),
        CalibrationSamples = r.GetValue(_samples),
        Calibrate = r.GetValue(_calibrate),
        CalibrationTablePath = r.GetValue(_calibrationTable),
        Activations = r.GetValue(_activations) is { } a ? QuantizationOptions.ParseActivations(a) : ElementType.UInt8,
        PerTensorWeights = r.GetValue(_perTensor),
        Scope = r.GetValue(_scope) is { } sc ? QuantScopes.Parse(sc) : QuantScope.Auto,
        Format = r.GetResult(_format) is { Implicit: false } && r.GetValue(_format) is { } f ? QuantizationOptions.ParseFormat(f) : null,
        NoSpeedCheck = r.GetValue(_noSpeedCheck),
        EncodingPlanPath = r.GetValue(_encodingPlan),
        Target = r.GetValue(_target) ?? "cpu",
        PlanBatch = r.GetValue(_planBatch),
        Exclude = r.GetValue(_exclude) ?? [],
        MaxAccuracyDrop = r.GetValue(_maxDrop),
        EvalDataPath = r.GetValue(_evalData),
        NoVerify = r.GetValue(_noVerify),
        Provider = ProviderOption.Read(r.GetValue(_provider)),
        ReportHtmlPath = r.GetValue(_reportHtml),
        ReportPath = r.GetValue(_report),
    };
}
