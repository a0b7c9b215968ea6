// Small questions the fusion matchers ask of nodes: which operand of a commutative op is the constant, is a constant one
// number, does a reduction run over the last axis only.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Matching helpers for the fusion passes.</summary>
internal static class PatternMatch
{
    /// <summary>For a two-input node with one constant operand (either side): that constant and the other operand.</summary>
    public static bool TryConstantOperand(OpNode node, GraphEditor graph, out TensorValue constant, out TensorData data, out TensorValue other)
    {
        constant = other = null!;
        data = null!;
        if (node.Inputs.Count != 2 || node.Inputs[0] is not { } a || node.Inputs[1] is not { } b)
        {
            return false;
        }

        if (graph.TryGetConstant(b, out data) && !graph.TryGetConstant(a, out _))
        {
            (constant, other) = (b, a);
            return true;
        }

        if (graph.TryGetConstant(a, out data) && !graph.TryGetConstant(b, out _))
        {
            (constant, other) = (a, b);
            return true;
        }

        return false;
    }

    /// <summary>The value of a one-element f32 constant.</summary>
    public static bool TryScalar(TensorData data, out float value)
    {
        value = data.Type == DType.F32 && data.ElementCount == 1 ? data.As<float>()[0] : float.NaN;
        return !float.IsNaN(value);
    }

    /// <summary>True when <paramref name="value"/> is within a relative 1e-5 of <paramref name="expected"/>.</summary>
    public static bool Near(float value, double expected) => Math.Abs(value - expected) <= 1e-5 * Math.Abs(expected);

    /// <summary>A ReduceMean over exactly the last axis, keeping it.</summary>
    public static bool IsLastAxisMean(OpNode node)
    {
        if (!node.Is("ReduceMean") || node.Attributes.Int("keepdims", 1) == 0 || node.Attributes.Ints("axes") is not [long axis]
            || node.Input(0)?.Shape is not { Rank: > 0 } shape || node.Input(1) is not null)
        {
            return false;
        }

        return axis == -1 || axis == shape.Rank - 1;
    }

    /// <summary>A 1-D f32 constant of as many elements as <paramref name="value"/>'s last dim.</summary>
    public static bool IsVectorOfLastDim(TensorData data, TensorValue value) =>
        data.Type == DType.F32 && data.Dims.Count == 1 && value.Shape is { Rank: > 0 } s && s[-1] == Dim.Of(data.Dims[0]);
}
