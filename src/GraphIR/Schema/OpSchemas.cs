// The table of operator facts for the default ONNX domain, the union over opset versions 1 to 23.
using System.Collections.Frozen;

namespace Onnxc.GraphIR.Schema;

/// <summary>
/// Looks up <see cref="OpSchema"/>s. Only the default domain is described; other domains and ops not in the table
/// return null, and the verifier leaves them unchecked. Each entry is the union over opset versions (attributes,
/// input counts and types that any version allows), so the table never rejects a model valid at its own opset;
/// version-dependent forms are the concern of shape inference. The type variable "_" is never shared (used where
/// ONNX's variadic inputs and outputs are heterogeneous, as in Loop and Scan).
/// </summary>
public static partial class OpSchemas
{
    private const string ConvAttrs = "auto_pad:s dilations:ints group:i kernel_shape:ints pads:ints strides:ints";
    private const string PoolAttrs = "auto_pad:s ceil_mode:i dilations:ints kernel_shape:ints! pads:ints strides:ints";
    private const string ReduceAttrs = "axes:ints keepdims:i noop_with_empty_axes:i";
    private const string OldBroadcast = "axis:i broadcast:i consumed_inputs:ints";
    private const string Consumed = "consumed_inputs:ints";
    private const string RnnAttrs =
        "activation_alpha:floats activation_beta:floats activations:strings clip:f direction:s hidden_size:i layout:i output_sequence:i";

    private const string ResizeAttrs =
        "antialias:i axes:ints coordinate_transformation_mode:s cubic_coeff_a:f exclude_outside:i extrapolation_value:f "
        + "keep_aspect_ratio_policy:s mode:s nearest_mode:s";

    private static readonly FrozenDictionary<string, OpSchema> s_byName = Build();

    /// <summary>Every op the table describes, sorted by name.</summary>
    public static IEnumerable<OpSchema> All => s_byName.Values.OrderBy(s => s.OpType, StringComparer.Ordinal);

    /// <summary>The schema of <paramref name="opType"/> in <paramref name="domain"/>, or null when not described.</summary>
    public static OpSchema? Find(string domain, string opType) =>
        domain is "" or "ai.onnx" ? s_byName.GetValueOrDefault(opType) : null;

    private static FrozenDictionary<string, OpSchema> Build()
    {
        var table = new List<OpSchema>();
        void Op(string name, string inputs, string outputs, string attributes = "", string types = "") =>
            table.Add(OpSchema.Parse(name, inputs, outputs, attributes, types));

        AddElementwise(Op);
        AddNeuralNetwork(Op);
        AddShapeAndIndexing(Op);
        AddQuantizationAndControl(Op);
        return table.ToFrozenDictionary(s => s.OpType, StringComparer.Ordinal);
    }

    private static void AddElementwise(Action<string, string, string, string, string> op)
    {
        foreach (string name in (string[])["Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Softplus",
            "Softsign", "HardSwish", "Mish", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh",
            "Atanh", "Round", "Det"])
        {
            op(name, "T", "T", Consumed, "T=float");
        }

        op("Relu", "T", "T", Consumed, "T=snum");
        op("Abs", "T", "T", Consumed, "T=num");
        op("Neg", "T", "T", Consumed, "T=snum");
        op("Sign", "T", "T", "", "T=num");
        op("Erf", "T", "T", "", "T=num");
        op("Elu", "T", "T", "alpha:f " + Consumed, "T=float");
        op("Celu", "T", "T", "alpha:f", "T=float");
        op("Selu", "T", "T", "alpha:f gamma:f " + Consumed, "T=float");
        op("LeakyRelu", "T", "T", "alpha:f " + Consumed, "T=float");
        op("ThresholdedRelu", "T", "T", "alpha:f", "T=float");
        op("HardSigmoid", "T", "T", "alpha:f beta:f " + Consumed, "T=float");
        op("Gelu", "T", "T", "approximate:s", "T=float");
        op("Shrink", "T", "T", "bias:f lambd:f", "T=num");
        op("PRelu", "T T", "T", Consumed, "T=num");
        op("Clip", "T T? T?", "T", "max:f min:f " + Consumed, "T=num");
        foreach (string name in (string[])["Softmax", "LogSoftmax", "Hardmax"])
        {
            op(name, "T", "T", "axis:i", "T=float");
        }

        op("Identity", "V", "V", "", "");
        op("IsNaN", "T", "B", "", "T=float|float8;B=bool");
        op("IsInf", "T", "B", "detect_negative:i detect_positive:i", "T=float|float8;B=bool");
        op("Not", "B", "B", "", "B=bool");
        op("BitwiseNot", "T", "T", "", "T=int");

        foreach (string name in (string[])["Add", "Sub", "Mul", "Div"])
        {
            op(name, "T T", "T", OldBroadcast, "T=num");
        }

        op("Pow", "T T1", "T", "axis:i broadcast:i", "T=num;T1=num");
        op("Mod", "T T", "T", "fmod:i", "T=num");
        foreach (string name in (string[])["Max", "Min"])
        {
            op(name, "T+", "T", Consumed, "T=num");
        }

        op("Sum", "T+", "T", Consumed, "T=float");
        op("Mean", "T+", "T", Consumed, "T=float");
        op("Equal", "T T", "B", "axis:i broadcast:i", "T=num|bool|string;B=bool");
        foreach (string name in (string[])["Less", "Greater", "LessOrEqual", "GreaterOrEqual"])
        {
            op(name, "T T", "B", "axis:i broadcast:i", "T=num;B=bool");
        }

        foreach (string name in (string[])["And", "Or", "Xor"])
        {
            op(name, "B B", "B", "axis:i broadcast:i", "B=bool");
        }

        foreach (string name in (string[])["BitwiseAnd", "BitwiseOr", "BitwiseXor"])
        {
            op(name, "T T", "T", "", "T=int");
        }

        op("BitShift", "T T", "T", "direction:s!", "T=uint");
        op("Where", "B T T", "T", "", "B=bool");
        op("Cast", "T1", "T2", "to:i|s! saturate:i round_mode:s", "");
        op("CastLike", "T1 T2", "T2", "saturate:i round_mode:s", "");
    }

    private static void AddNeuralNetwork(Action<string, string, string, string, string> op)
    {
        op("MatMul", "T T", "T", "", "T=num");
        op("Gemm", "T T T?", "T", "alpha:f beta:f broadcast:i transA:i transB:i", "T=num");
        op("Conv", "T T T?", "T", ConvAttrs, "T=float");
        op("ConvTranspose", "T T T?", "T", ConvAttrs + " output_padding:ints output_shape:ints", "T=float");
        op("MaxPool", "T", "T I?", PoolAttrs + " storage_order:i", "T=float|int8|uint8;I=int64");
        op("AveragePool", "T", "T", PoolAttrs + " count_include_pad:i", "T=float");
        op("LpPool", "T", "T", PoolAttrs + " p:i|f", "T=float");
        op("GlobalAveragePool", "T", "T", "", "T=float");
        op("GlobalMaxPool", "T", "T", "", "T=float");
        op("GlobalLpPool", "T", "T", "p:i|f", "T=float");
        op("MaxRoiPool", "T T", "T", "pooled_shape:ints! spatial_scale:f", "T=float");
        op("MaxUnpool", "T I I?", "T", "kernel_shape:ints! pads:ints strides:ints", "T=float;I=int64");
        op("BatchNormalization", "T U U V V", "T V? V? V? V?",
            "epsilon:f momentum:f spatial:i is_test:i training_mode:i " + Consumed, "T=float;U=float;V=float");
        op("InstanceNormalization", "T T T", "T", "epsilon:f " + Consumed, "T=float");
        op("LayerNormalization", "T T T?", "T U? U?", "axis:i epsilon:f stash_type:i", "T=float;U=float");
        op("GroupNormalization", "T T T", "T", "epsilon:f num_groups:i! stash_type:i", "T=float");
        op("LRN", "T", "T", "alpha:f beta:f bias:f size:i!", "T=float");
        op("LpNormalization", "T", "T", "axis:i p:i", "T=float");
        op("MeanVarianceNormalization", "T", "T", "across_channels:i axes:ints normalize_variance:i", "T=float");
        op("Dropout", "T T1? B?", "T _?", "is_test:i ratio:f seed:i " + Consumed, "T=float;T1=float;B=bool");
        op("LSTM", "T T T T? S? T? T? T?", "T? T? T?", RnnAttrs + " input_forget:i", "T=float;S=int32");
        op("GRU", "T T T T? S? T?", "T? T?", RnnAttrs + " linear_before_reset:i", "T=float;S=int32");
        op("RNN", "T T T T? S? T?", "T? T?", RnnAttrs, "T=float;S=int32");
        op("Einsum", "T+", "T", "equation:s!", "T=num");
        op("TopK", "T I?", "T I", "axis:i k:i largest:i sorted:i", "T=num;I=int64");
        op("ArgMax", "T", "I", "axis:i keepdims:i select_last_index:i", "T=num;I=int64");
        op("ArgMin", "T", "I", "axis:i keepdims:i select_last_index:i", "T=num;I=int64");
        foreach (string name in (string[])["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
            "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"])
        {
            op(name, "T I?", "T", ReduceAttrs, "T=num|bool;I=int64");
        }

        op("Resize", "T R? F? I?", "T", ResizeAttrs, "R=float;F=float32;I=int64");
        op("Upsample", "T F?", "T", "height_scale:f mode:s scales:floats width_scale:f", "F=float32");
        op("DepthToSpace", "T", "T", "blocksize:i! mode:s", "");
        op("SpaceToDepth", "T", "T", "blocksize:i!", "");
        op("RoiAlign", "T T I", "T", "coordinate_transformation_mode:s mode:s output_height:i output_width:i sampling_ratio:i spatial_scale:f",
            "T=float;I=int64");
        op("GridSample", "T1 T2", "T1", "align_corners:i mode:s padding_mode:s", "T2=float");
        op("NonMaxSuppression", "F F I? F? F?", "I", "center_point_box:i", "F=float32;I=int64");
        op("RandomNormal", "", "T", "dtype:i mean:f scale:f seed:f shape:ints!", "T=float");
        op("RandomUniform", "", "T", "dtype:i high:f low:f seed:f shape:ints!", "T=float");
        op("RandomNormalLike", "T1", "T2", "dtype:i mean:f scale:f seed:f", "T2=float");
        op("RandomUniformLike", "T1", "T2", "dtype:i high:f low:f seed:f", "T2=float");
        op("Bernoulli", "T1", "T2", "dtype:i seed:f", "T1=float");
        op("Multinomial", "T1", "T2", "dtype:i sample_size:i seed:f", "T1=float;T2=index");
    }
}
