// The operator-level checks of the verifier: attributes, arities, type constraints and quantization parameters.
using Onnxc.GraphIR.Schema;

namespace Onnxc.GraphIR.Verification;

public static partial class Verifier
{
    private static void CheckAttributes(Node node, OpSchema schema, string where, List<VerifierError> errors)
    {
        foreach (NodeAttribute a in node.Attributes)
        {
            if (schema.Attribute(a.Name) is not { } spec)
            {
                errors.Add(new VerifierError($"{node.OpType} has no attribute '{a.Name}'{where}", node.Describe()));
            }
            else if (!spec.Kinds.Contains(a.Kind))
            {
                string expected = string.Join(" or ", spec.Kinds.Select(KindName));
                errors.Add(new VerifierError(
                    $"attribute '{a.Name}' of {node.OpType} must be {expected}, not {KindName(a.Kind)}{where}", node.Describe()));
            }
        }

        foreach (AttributeSpec spec in schema.Attributes)
        {
            if (spec.Required && node.Attribute(spec.Name) is null)
            {
                errors.Add(new VerifierError($"{node.OpType} requires attribute '{spec.Name}'{where}", node.Describe()));
            }
        }
    }

    private static string KindName(AttributeKind kind) => kind switch
    {
        AttributeKind.SparseTensor => "SPARSE_TENSOR",
        AttributeKind.SparseTensors => "SPARSE_TENSORS",
        AttributeKind.TypeProto => "TYPE_PROTO",
        AttributeKind.TypeProtos => "TYPE_PROTOS",
        _ => kind.ToString().ToUpperInvariant(),
    };

    private static void CheckCounts(Node node, OpSchema schema, string where, List<VerifierError> errors)
    {
        // Trailing omitted inputs and outputs do not count: ONNX writes them as empty names or leaves them off.
        int inputs = LastPresent(node.Inputs) + 1;
        int outputs = LastPresent(node.Outputs) + 1;
        if (inputs > schema.MaxInputs || node.Inputs.Count < schema.MinInputs)
        {
            errors.Add(new VerifierError($"{node.OpType} takes {Range(schema.MinInputs, schema.MaxInputs)} inputs, got {node.Inputs.Count}{where}", node.Describe()));
        }

        if (outputs > schema.MaxOutputs || node.Outputs.Count < schema.MinOutputs)
        {
            errors.Add(new VerifierError($"{node.OpType} has {Range(schema.MinOutputs, schema.MaxOutputs)} outputs, got {node.Outputs.Count}{where}", node.Describe()));
        }

        for (int i = 0; i < Math.Min(node.Inputs.Count, schema.Inputs.Length); i++)
        {
            if (node.Inputs[i] is null && schema.Inputs[i].Option == ParameterOption.Single && schema.OpType is not "Loop")
            {
                errors.Add(new VerifierError($"{node.OpType} input {i} is required but omitted{where}", node.Describe()));
            }
        }
    }

    private static int LastPresent(IReadOnlyList<Value?> values)
    {
        for (int i = values.Count - 1; i >= 0; i--)
        {
            if (values[i] is not null)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Range(int min, int max) =>
        max == int.MaxValue ? $"at least {min}" : min == max ? $"{min}" : $"{min} to {max}";

    /// <summary>Every known element type of a type variable must agree, and be one the variable allows.</summary>
    private static void CheckTypes(Node node, OpSchema schema, string where, List<VerifierError> errors)
    {
        var seen = new Dictionary<string, (ElementType Type, string At)>(StringComparer.Ordinal);
        void Visit(string? variable, Value? v, string at)
        {
            if (variable is null or "_" || v?.TensorType is not { ElementType: not ElementType.Undefined and var et })
            {
                return;
            }

            if (schema.Allowed(variable) is { } allowed && !allowed.Contains(et))
            {
                errors.Add(new VerifierError($"{node.OpType} {at} {v} has element type {et.OnnxName()}, which type {variable} does not allow{where}", node.Describe()));
                return;
            }

            if (seen.TryGetValue(variable, out var first))
            {
                if (first.Type != et)
                {
                    errors.Add(new VerifierError(
                        $"{node.OpType} needs one element type for {variable}: {first.At} is {first.Type.OnnxName()} but {at} {v} is {et.OnnxName()}{where}",
                        node.Describe()));
                }
            }
            else
            {
                seen[variable] = (et, $"{at} {v}");
            }
        }

        for (int i = 0; i < node.Inputs.Count; i++)
        {
            Visit(schema.InputTypeVariable(i), node.Inputs[i], $"input {i}");
        }

        for (int i = 0; i < node.Outputs.Count; i++)
        {
            Visit(schema.OutputTypeVariable(i), node.Outputs[i], $"output {i}");
        }
    }

    /// <summary>
    /// Scale and zero point shapes: a scalar (or one-element vector) for per-tensor, a vector of the quantized axis's
    /// length for per-axis, the input's rank for blocked quantization; the zero point's shape equals the scale's.
    /// </summary>
    private static void CheckQuantParams(Node node, string where, List<VerifierError> errors)
    {
        switch (node.OpType)
        {
            case "QuantizeLinear" or "DequantizeLinear":
                bool blocked = node.GetInt("block_size", 0) > 0;
                TensorShape? x = node.Input(0)?.Shape;
                long axis = node.GetInt("axis", 1);
                Dim axisLength = x is { Rank: > 0 } && axis >= -x.Rank && axis < x.Rank ? x[(int)(axis < 0 ? axis + x.Rank : axis)] : Dim.Unknown;
                CheckParamPair(node, 1, 2, blocked ? null : axisLength, blocked, "scale", where, errors);
                break;
            case "QLinearConv":
                CheckParamPair(node, 1, 2, null, false, "x_scale", where, errors, perTensorOnly: true);
                Dim m = node.Input(3)?.Shape is { Rank: > 0 } w ? w[0] : Dim.Unknown;
                CheckParamPair(node, 4, 5, m, false, "w_scale", where, errors);
                CheckParamPair(node, 6, 7, null, false, "y_scale", where, errors, perTensorOnly: true);
                break;
            case "QLinearMatMul":
                CheckParamPair(node, 1, 2, Dim.Unknown, false, "a_scale", where, errors);
                Dim n = node.Input(3)?.Shape is { Rank: > 0 } b ? b[b.Rank - 1] : Dim.Unknown;
                CheckParamPair(node, 4, 5, n, false, "b_scale", where, errors);
                CheckParamPair(node, 6, 7, null, false, "y_scale", where, errors, perTensorOnly: true);
                break;
        }
    }

    private static void CheckParamPair(
        Node node, int scaleIndex, int zeroPointIndex, Dim? axisLength, bool blocked, string name, string where,
        List<VerifierError> errors, bool perTensorOnly = false)
    {
        TensorShape? scale = node.Input(scaleIndex)?.Shape;
        TensorShape? zp = node.Input(zeroPointIndex)?.Shape;
        if (scale is not null && !blocked)
        {
            bool perTensor = scale.Rank == 0 || (scale.Rank == 1 && scale[0].Value == 1);
            if (scale.Rank > 1 || (perTensorOnly && !perTensor))
            {
                string allowed = perTensorOnly ? "a scalar" : "a scalar or a 1-D tensor";
                errors.Add(new VerifierError($"{node.OpType} {name} must be {allowed}, got shape {scale}{where}", node.Describe()));
            }
            else if (scale.Rank == 1 && !perTensor && axisLength is { Value: long len } && scale[0].Value is long got && got != len)
            {
                errors.Add(new VerifierError(
                    $"{node.OpType} per-axis {name} has {got} elements but the quantized axis has {len}{where}", node.Describe()));
            }
        }

        if (scale is not null && zp is not null && !scale.Equals(zp) && !(IsOneElement(scale) && IsOneElement(zp)))
        {
            errors.Add(new VerifierError($"{node.OpType} zero point shape {zp} differs from {name} shape {scale}{where}", node.Describe()));
        }
    }

    private static bool IsOneElement(TensorShape s) => s.Rank == 0 || (s.Rank == 1 && s[0].Value == 1);

    /// <summary>Facts the table cannot state: Constant holds exactly one value; type attributes name a defined type.</summary>
    private static void CheckOpSpecific(Node node, string where, List<VerifierError> errors)
    {
        if (node.OpType == "Constant" && node.Attributes.Count(a => a.Name is "value" or "sparse_value" || a.Name.StartsWith("value_", StringComparison.Ordinal)) != 1)
        {
            errors.Add(new VerifierError($"Constant needs exactly one value attribute, has {node.Attributes.Count}{where}", node.Describe()));
        }

        foreach (string name in (string[])["to", "dtype", "output_dtype", "stash_type"])
        {
            if (node.Attribute(name) is { Kind: AttributeKind.Int, RefAttrName: null } a && !ElementTypes.IsDefined((int)a.I)
                && !(a.I == 0 && name is "output_dtype" or "dtype"))
            {
                errors.Add(new VerifierError($"attribute '{name}' of {node.OpType} is {a.I}, not an ONNX element type{where}", node.Describe()));
            }
        }
    }
}
