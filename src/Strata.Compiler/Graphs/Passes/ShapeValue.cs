// A "shape value": a small int64 tensor (a scalar or a vector) whose elements are dims, possibly symbolic — what
// Shape(x) → Gather → Unsqueeze → Concat chains compute from a value's shape at run time.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>The elements of a scalar or 1-D int64 value as dims; an unknown element is a number nobody knows (or -1).</summary>
internal sealed record ShapeValue(Dim[] Elements, bool IsScalar)
{
    /// <summary>True when every element is a fixed number (the value is then a constant).</summary>
    public bool IsFixed => Array.TrueForAll(Elements, e => e.IsKnown);

    /// <summary>True when no element is unknown.</summary>
    public bool IsSymbolic => !Array.Exists(Elements, e => e.IsUnknown);

    /// <summary>The elements as an i64 constant; only for <see cref="IsFixed"/> values.</summary>
    public TensorData ToData()
    {
        var values = new long[Elements.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Elements[i].Factor;
        }

        return TensorData.FromInt64s(IsScalar ? [] : [values.Length], values);
    }

    /// <summary>A small integer constant as a shape value (negative elements become unknown).</summary>
    public static ShapeValue? FromConstant(TensorData data)
    {
        if (data.Type != DType.I64 || data.Dims.Count > 1 || data.ElementCount > 64)
        {
            return null;
        }

        var longs = data.As<long>();
        var elements = new Dim[longs.Length];
        for (int i = 0; i < elements.Length; i++)
        {
            elements[i] = longs[i] >= 0 ? Dim.Of(longs[i]) : Dim.Unknown;
        }

        return new(elements, data.Dims.Count == 0);
    }
}
