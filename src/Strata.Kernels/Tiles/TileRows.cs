// How many activation rows a tile micro-kernel runs: four (a full tile) or one (a row alone), fixed per instantiation.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>
/// The activation rows of a tile micro-kernel instantiation. The kernels keep one accumulator per (weight row, activation
/// row) pair and reduce each pair on its own, so the one-row instantiation computes exactly the lanes of a full tile's
/// row: a row's bits are the same alone and inside a batch. The JIT folds <see cref="Count"/> to a constant per
/// instantiation, so the four-row kernel has no extra branches.
/// </summary>
internal interface ITileRows
{
    /// <summary>Activation rows: 1 or 4.</summary>
    static abstract int Count { get; }
}

/// <summary>A full tile: four activation rows.</summary>
internal readonly struct FourRows : ITileRows
{
    /// <inheritdoc/>
    public static int Count => 4;
}

/// <summary>One activation row against the tile's four weight rows.</summary>
internal readonly struct OneRow : ITileRows
{
    /// <inheritdoc/>
    public static int Count => 1;
}

/// <summary>Stores of a tile's result vector (lane 4·j + t: weight row t, activation row j).</summary>
internal static unsafe class TileRows
{
    /// <summary>y[j·yStride + t] = lane 4·j + t for the instantiation's activation rows j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TRows>(Vector512<float> r, float* y, nint yStride)
        where TRows : struct, ITileRows
    {
        r.GetLower().GetLower().Store(y);
        if (TRows.Count > 1)
        {
            r.GetLower().GetUpper().Store(y + yStride);
            r.GetUpper().GetLower().Store(y + (2 * yStride));
            r.GetUpper().GetUpper().Store(y + (3 * yStride));
        }
    }
}
