// The stages of static INT8 after the float preparation: plan, calibrate, control accuracy, emit Q/DQ, lower or clean up, verify.
using System.Diagnostics;
using Onnxc.Passes.Calibration;

namespace Onnxc.Passes.Quantization.Stages;

/// <summary>plan-int8: which nodes are quantized and which tensors need ranges (<see cref="QuantizationPlanner"/>).</summary>
public sealed class QuantizationPlanning : Int8Stage
{
    public override string Name => "plan-int8";

    public override string Description => "decide per node what is quantized (and why the rest stays float) and which tensors need calibrated ranges";

    protected override void Run(Model model, Int8Session session) => session.Plan = QuantizationPlanner.Plan(model, session.Options);
}

/// <summary>calibrate: ranges of exactly the planned tensors, observed in ONNX Runtime on the calibration samples.</summary>
public sealed class CalibrationStage : Int8Stage
{
    public override string Name => "calibrate";

    public override string Description => "observe the ranges of the planned tensors on the calibration samples in ONNX Runtime (a cached table is completed, not redone)";

    protected override void Run(Model model, Int8Session session)
    {
        var watch = Stopwatch.StartNew();
        session.Table = Int8Compiler.EnsureTable(model, session.RequirePlan(this), session.CachedTable, session.Calibration, session.Options.Calibration, session.Log);
        session.CalibrationSeconds = ReferenceEquals(session.Table, session.CachedTable) ? 0 : watch.Elapsed.TotalSeconds;
    }
}

/// <summary>control-accuracy: with --max-accuracy-drop, the most damaging layers go back to float until top-1 is within the limit.</summary>
public sealed class AccuracyControlStage : Int8Stage
{
    public override string Name => "control-accuracy";

    public override string Description => "with --max-accuracy-drop: put the layers that add the most noise back in float until the measured top-1 drop on --eval-data is within the limit";

    protected override void Run(Model model, Int8Session session)
    {
        if (session.Options.MaxAccuracyDrop is not double maxDrop)
        {
            return;
        }

        if (session.Eval is null)
        {
            throw new ArgumentException("--max-accuracy-drop needs --eval-data (labelled samples)");
        }

        QuantizationPlan plan = session.RequirePlan(this);
        CalibrationTable table = session.RequireTable(this);
        var control = new AccuracyControl(model, session.Options, session.Calibration, session.Eval, session.Log);
        Model first = Int8Compiler.Build(model, plan, table, session.Options);
        (_, session.Plan, session.Table, session.Accuracy, session.Fallbacks) = control.Run(plan, table, first, maxDrop);
    }
}

/// <summary>emit-qdq: QuantizeLinear/DequantizeLinear around the planned nodes, int32 biases, per-channel weights.</summary>
public sealed class QdqEmission : Int8Stage
{
    public override string Name => "emit-qdq";

    public override string Description => "write the plan as QuantizeLinear/DequantizeLinear pairs: u8/s8 activations from the ranges, s8 per-channel weights, int32 biases";

    protected override void Run(Model model, Int8Session session)
    {
        session.Float = ModelCopy.Clone(model);
        Int8Compiler.Emit(model, session.RequirePlan(this), session.RequireTable(this), session.Options);
    }
}

/// <summary>lower-qoperator: with --format qoperator, QDQ groups become QLinearConv, QLinearMatMul and the com.microsoft QLinear ops.</summary>
public sealed class QOperatorStage : Int8Stage
{
    public override string Name => "lower-qoperator";

    public override string Description => "with --format qoperator: QDQ groups become QLinearConv, QLinearMatMul, QGemm and the com.microsoft QLinear* ops";

    protected override void Run(Model model, Int8Session session) => Apply(model, session.Options);

    /// <summary>The stage's work, also applied to the candidate models accuracy control builds.</summary>
    internal static void Apply(Model model, QuantizationOptions options)
    {
        if (options.Format == QuantFormat.QOperator)
        {
            QOperatorLowering.Run(model);
        }
    }
}

/// <summary>clean-up-qdq: in the QDQ form, value-preserving ops run on the integers and redundant Relus before Q go.</summary>
public sealed class QdqCleanupStage : Int8Stage
{
    public const string StageName = "clean-up-qdq";

    public override string Name => StageName;

    public override string Description => "QDQ form: Reshape/MaxPool/... between equal Q/DQ parameters run on the integers, a Relu before a Q at qmin goes";

    public override bool CanBeDisabled => true;

    protected override void Run(Model model, Int8Session session) => Apply(model, session.Options);

    /// <summary>
    /// The stage's work, also applied to the candidate models accuracy control builds; <c>--disable-pass
    /// clean-up-qdq</c> reaches those through <see cref="QuantizationOptions.QdqCleanup"/>.
    /// </summary>
    internal static void Apply(Model model, QuantizationOptions options)
    {
        if (options.Format == QuantFormat.Qdq && options.QdqCleanup)
        {
            QOperatorLowering.RunQdqCleanup(model);
        }
    }
}

/// <summary>verify-int8: the INT8 model against the float one in ONNX Runtime on calibration samples; a gross mismatch fails the compile.</summary>
public sealed class SelfVerification : Int8Pass
{
    public override string Name => "verify-int8";

    public override string Description => "run the INT8 and the float model in ONNX Runtime on calibration samples; a gross mismatch (cosine, top-1 agreement) fails the compile";

    public override void Run(Model model, PassContext context)
    {
        IVerifiedCompile session = context.GetService<IVerifiedCompile>();
        if (session.Options.Verify != VerifyMode.Verify || session.VerifyData is not { } samples)
        {
            return;
        }

        Model reference = session.Float ?? throw new InvalidOperationException($"stage {Name} runs after the model is quantized (emit-qdq or quantize-dynamic), which did not run");
        int batch = samples.FixedBatchSize ?? Math.Min(8, session.Options.VerifySamples);
        session.Verification = SelfVerifier.Verify(reference, model, samples.Batches(batch, Math.Max(1, session.Options.VerifySamples)), session.Options.VerifyProvider);
        session.Log(session.Verification.Message);
    }
}
