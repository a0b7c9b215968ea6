// The checks MatMul.RunGroup and MatMulInt8.RunGroup share: a pool, one to three matrices of one type and width, one output each.
namespace Strata.Kernels;

/// <summary>Validates a group of matrices run in one pool run (Q/K/V, gate/up) and counts their rows.</summary>
internal static class MatrixGroup
{
    /// <summary>
    /// Checks the group and returns the weight rows of all its matrices together. With <paramref name="needsData"/> every
    /// matrix must also have data and a computable type (the f32-activation path dequantizes them).
    /// </summary>
    /// <exception cref="ArgumentNullException">pool is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">n is below one.</exception>
    /// <exception cref="ArgumentException">Not 1–3 matrices, outputs not one per matrix, or the matrices differ in type or width.</exception>
    public static int TotalRows(WorkerPool pool, ReadOnlySpan<WeightMatrix> weights, int n, ReadOnlySpan<nint> outputs, bool needsData)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (weights.Length is < 1 or > 3 || outputs.Length != weights.Length)
        {
            throw new ArgumentException($"RunGroup takes 1–3 matrices and as many outputs; got {weights.Length} and {outputs.Length}.", nameof(weights));
        }

        WeightMatrix first = weights[0];
        int total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            WeightMatrix w = weights[i];
            if (w.Type != first.Type || w.Cols != first.Cols)
            {
                throw new ArgumentException($"matrix {i} is {w.Type} × {w.Cols}; matrix 0 is {first.Type} × {first.Cols}", nameof(weights));
            }

            if (needsData && (w.Data == 0 || !GgmlTypeInfo.IsComputable(w.Type)))
            {
                throw new ArgumentException($"matrix {i} ({w.Type} × {w.Cols}) has no data or a type MatMul cannot compute", nameof(weights));
            }

            total += w.Rows;
        }

        return total;
    }
}
