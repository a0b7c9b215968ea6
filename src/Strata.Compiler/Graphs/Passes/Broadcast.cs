// numpy broadcasting of symbolic shapes (the ONNX "multidirectional broadcasting" rule).
namespace Strata.Compiler.Graphs.Passes;

/// <summary>Broadcast shapes whose dims may be symbols.</summary>
internal static class Broadcast
{
    /// <summary>
    /// The broadcast of <paramref name="shapes"/>, right-aligned: equal dims stay, 1 yields to the other, a fixed size &gt; 1
    /// wins over an unknown dim (the unknown must be 1 or equal); two different symbols give an unknown dim. Null when a rank is unknown.
    /// </summary>
    public static TensorShape? Shapes(params ReadOnlySpan<TensorShape?> shapes)
    {
        int rank = 0;
        foreach (var s in shapes)
        {
            if (s is null)
            {
                return null;
            }

            rank = Math.Max(rank, s.Rank);
        }

        var dims = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            Dim? result = null;
            foreach (var s in shapes)
            {
                int axis = i - (rank - s!.Rank);
                if (axis >= 0)
                {
                    result = result is { } r ? Dims(r, s[axis]) : s[axis];
                }
            }

            dims[i] = result ?? Dim.Of(1);
        }

        return new TensorShape(dims);
    }

    /// <summary>The broadcast of two dims.</summary>
    public static Dim Dims(Dim a, Dim b)
    {
        if (a == b || IsOne(b))
        {
            return a;
        }

        if (IsOne(a))
        {
            return b;
        }

        if (a.IsUnknown && b.IsKnown)
        {
            return b;
        }

        return b.IsUnknown && a.IsKnown ? a : Dim.Unknown;
    }

    private static bool IsOne(Dim d) => d.IsKnown && d.Factor == 1;
}
