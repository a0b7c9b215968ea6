// The reference evaluator constant folding runs on small tensors: the ONNX operators that compute shapes, masks, indices
// and scalars in exported graphs (opset 13 semantics), over i64/i32/bool and f32.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Evaluates a node whose inputs are all constants.</summary>
internal static class ConstantEvaluator
{
    /// <summary>The node's outputs, when every input is a small constant and the operator is one the evaluator knows.</summary>
    public static bool TryEvaluate(OpNode node, IReadOnlyDictionary<int, TensorData> constants, out TensorData[] outputs)
    {
        outputs = [];
        if (node.Domain.Length != 0 || node.Outputs.Count != 1)
        {
            return false;
        }

        var inputs = new HostTensor?[node.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (node.Inputs[i] is { } v && !(constants.TryGetValue(v.Id, out var data) && HostTensor.TryFrom(data, out inputs[i]!)))
            {
                return false;
            }
        }

        if (inputs.Length == 0 && node.Op != "ConstantOfShape")
        {
            return false;
        }

        var result = Evaluate(node, inputs);
        if (result is null || result.Count > HostTensor.MaxElements)
        {
            return false;
        }

        outputs = [result.ToData()];
        return true;
    }

    private static HostTensor? Evaluate(OpNode node, HostTensor?[] x) => node.Op switch
    {
        "Identity" => x[0],
        "Cast" => Cast(x[0]!, (DType)node.Attributes.Int("to", 0)),
        "Shape" => Shape(node, x[0]!),
        "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Equal" or "Less" or "Greater" or "Max" or "Min" when x.Length == 2 => ElementwiseOps.Binary(node.Op, x[0]!, x[1]!),
        "Where" when x.Length == 3 && x[0]!.Ints is not null => ElementwiseOps.Where(x[0]!, x[1]!, x[2]!),
        "Sqrt" or "Neg" or "Abs" or "Reciprocal" or "Exp" or "Log" or "Not" => ElementwiseOps.Unary(node.Op, x[0]!),
        "Gather" when x.Length == 2 => MovementOps.Gather(x[0]!, x[1]!, node.Attributes.Int("axis", 0)),
        "Unsqueeze" => MovementOps.Unsqueeze(x[0]!, node.Attributes.Ints("axes") ?? x.ElementAtOrDefault(1)?.Ints ?? []),
        "Squeeze" => MovementOps.Squeeze(x[0]!, node.Attributes.Ints("axes") ?? x.ElementAtOrDefault(1)?.Ints),
        "Concat" => MovementOps.Concat(x, node.Attributes.Int("axis", 0)),
        "Reshape" when x[1]?.Ints is { } target => MovementOps.Reshape(x[0]!, target, node.Attributes.Int("allowzero", 0) != 0),
        "Transpose" => MovementOps.Transpose(x[0]!, node.Attributes.Ints("perm")),
        "Slice" when x.Length >= 3 && Array.TrueForAll(x[1..], p => p is null || p.Ints is not null) => MovementOps.Slice(x),
        "ConstantOfShape" => ConstantOfShape(node, x.Length > 0 ? x[0] : null),
        "Range" when x.Length == 3 && x[0]!.IsFloat == x[1]!.IsFloat && x[1]!.IsFloat == x[2]!.IsFloat && x[0]!.Count == 1 => Range(x[0]!, x[1]!, x[2]!),
        _ => null,
    };

    private static HostTensor? Cast(HostTensor x, DType to)
    {
        if (to == DType.F32)
        {
            var floats = new float[x.Count];
            for (int i = 0; i < floats.Length; i++)
            {
                floats[i] = x.Floats is { } f ? f[i] : x.Ints![i];
            }

            return new(to, x.Dims, null, floats);
        }

        if (!HostTensor.IsIntegral(to))
        {
            return null;
        }

        var ints = new long[x.Count];
        for (int i = 0; i < ints.Length; i++)
        {
            long v = x.Floats is { } f ? (long)f[i] : x.Ints![i];
            ints[i] = to == DType.Bool ? (v != 0 ? 1 : 0) : to == DType.I32 ? (int)v : v;
        }

        return new(to, x.Dims, ints, null);
    }

    private static HostTensor Shape(OpNode node, HostTensor x)
    {
        var (start, count) = ShapeRules.ShapeRange(node, x.Dims.Length);
        return new(DType.I64, [count], x.Dims[start..(start + count)], null);
    }

    private static HostTensor? ConstantOfShape(OpNode node, HostTensor? shape)
    {
        long[] dims = shape?.Ints ?? [];
        var type = DType.F32;
        float floatValue = 0;
        long intValue = 0;
        if (node.Attributes.TryGet("value", out var v) && v.Tensor is { } t && HostTensor.TryFrom(t, out var value) && value.Count == 1)
        {
            type = value.Type;
            floatValue = value.Floats?[0] ?? 0;
            intValue = value.Ints?[0] ?? 0;
        }

        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
        }

        if (count > HostTensor.MaxElements)
        {
            return null;
        }

        if (type == DType.F32)
        {
            var floats = new float[count];
            Array.Fill(floats, floatValue);
            return new(type, dims, null, floats);
        }

        var ints = new long[count];
        Array.Fill(ints, intValue);
        return new(type, dims, ints, null);
    }

    private static HostTensor? Range(HostTensor start, HostTensor limit, HostTensor delta)
    {
        if (start.IsFloat)
        {
            float s = start.Floats![0], d = delta.Floats![0];
            int n = (int)Math.Max(0, Math.Ceiling((limit.Floats![0] - s) / d));
            var floats = new float[Math.Min(n, HostTensor.MaxElements + 1)];
            for (int i = 0; i < floats.Length; i++)
            {
                floats[i] = s + (i * d);
            }

            return new(start.Type, [floats.Length], null, floats);
        }

        long first = start.Ints![0], step = delta.Ints![0];
        if (step == 0)
        {
            return null;
        }

        long count = Math.Max(0, (limit.Ints![0] - first + step - Math.Sign(step)) / step);
        var ints = new long[Math.Min(count, HostTensor.MaxElements + 1)];
        for (int i = 0; i < ints.Length; i++)
        {
            ints[i] = first + (i * step);
        }

        return new(start.Type, [ints.Length], ints, null);
    }
}
