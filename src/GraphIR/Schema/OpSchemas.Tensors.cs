// The operator table, part two: shape manipulation, indexing, constants, quantization and control flow.
namespace Onnxc.GraphIR.Schema;

public static partial class OpSchemas
{
    private static void AddShapeAndIndexing(Action<string, string, string, string, string> op)
    {
        op("Reshape", "T I?", "T", "allowzero:i shape:ints " + Consumed, "I=int64");
        op("Flatten", "T", "T", "axis:i", "");
        op("Transpose", "T", "T", "perm:ints", "");
        op("Squeeze", "T I?", "T", "axes:ints", "I=int64");
        op("Unsqueeze", "T I?", "T", "axes:ints", "I=int64");
        op("Concat", "T+", "T", "axis:i", "");
        op("Split", "T I?", "T+", "axis:i num_outputs:i split:ints", "I=int64");
        op("Slice", "T I? I? I? I?", "T", "axes:ints ends:ints starts:ints", "I=index");
        op("Pad", "T I? T? A?", "T", "mode:s pads:ints paddings:ints value:f", "I=int64;A=index");
        op("Gather", "T I", "T", "axis:i", "I=index");
        op("GatherElements", "T I", "T", "axis:i", "I=index");
        op("GatherND", "T I", "T", "batch_dims:i", "I=int64");
        op("Scatter", "T I T", "T", "axis:i", "I=index");
        op("ScatterElements", "T I T", "T", "axis:i reduction:s", "I=index");
        op("ScatterND", "T I T", "T", "reduction:s", "I=int64");
        op("Shape", "T", "I", "end:i start:i", "I=int64");
        op("Size", "T", "I", "", "I=int64");
        op("Constant", "", "T", "sparse_value:sparse value:t value_float:f value_floats:floats value_int:i value_ints:ints "
            + "value_string:s value_strings:strings", "");
        op("ConstantOfShape", "I", "T", "value:t", "I=int64");
        op("Expand", "T I", "T", "", "I=int64");
        op("Tile", "T I I?", "T", "", "");
        op("Range", "T T T", "T", "", "T=num");
        op("NonZero", "T", "I", "", "I=int64");
        op("CumSum", "T A", "T", "exclusive:i reverse:i", "T=num;A=index");
        op("Trilu", "T I?", "T", "upper:i", "I=int64");
        op("OneHot", "T1 T2 T3", "T3", "axis:i", "T1=num;T2=num");
        op("Compress", "T B", "T", "axis:i", "B=bool");
        op("EyeLike", "T1", "T2", "dtype:i k:i", "");
        op("Unique", "T", "T I? I? I?", "axis:i sorted:i", "I=int64");
        op("ReverseSequence", "T I", "T", "batch_axis:i time_axis:i", "I=int64");
        op("CenterCropPad", "T I", "T", "axes:ints", "I=index");
    }

    private static void AddQuantizationAndControl(Action<string, string, string, string, string> op)
    {
        op("QuantizeLinear", "X S Z?", "Z", "axis:i block_size:i output_dtype:i precision:i saturate:i",
            "X=float|int32;S=float|int32;Z=q");
        op("DequantizeLinear", "X S X?", "Y", "axis:i block_size:i output_dtype:i", "X=q;S=float;Y=float");
        op("DynamicQuantizeLinear", "F", "U F U", "", "F=float32;U=uint8");
        op("QLinearConv", "T1 S T1 T2 S T2 S T3 B?", "T3", ConvAttrs, "T1=int8|uint8;T2=int8|uint8;T3=int8|uint8;S=float32;B=int32");
        op("QLinearMatMul", "T1 S T1 T2 S T2 S T3", "T3", "", "T1=int8|uint8|float8;T2=int8|uint8|float8;T3=int8|uint8|float8;S=float");
        op("MatMulInteger", "T1 T2 T1? T2?", "T3", "", "T1=int8|uint8;T2=int8|uint8;T3=int32");
        op("ConvInteger", "T1 T2 T1? T2?", "T3", ConvAttrs, "T1=int8|uint8;T2=int8|uint8;T3=int32");
        op("If", "B", "_+", "else_branch:g! then_branch:g!", "B=bool");
        op("Loop", "I? B? _*", "_*", "body:g!", "I=int64;B=bool");
        op("Scan", "_+", "_+", "body:g! directions:ints num_scan_inputs:i! scan_input_axes:ints scan_input_directions:ints "
            + "scan_output_axes:ints scan_output_directions:ints", "");
    }
}
