// The kernel choice of MatMul.Run and MatMulInt8.Run as a pure function of the product's shape and options, for the compiler.
namespace Strata.Kernels;

/// <summary>
/// Says which <see cref="MatMulKernel"/> a product runs for a row count: the compiler records it per row-count bucket and
/// the engine's runner passes the recorded kernel to the products' kernel overloads; the overloads without a kernel ask
/// this class per call. Every choice depends on the shape, the options and the ISA, never on the data.
/// </summary>
public static class MatMulPlan
{
    /// <summary>The kernel of an exact (f32-activation) product of n rows against a weightRows × cols matrix.</summary>
    /// <param name="type">the weights' element type</param>
    /// <param name="weightRows">weight rows</param>
    /// <param name="cols">weight columns</param>
    /// <param name="n">activation rows of the call</param>
    /// <param name="batchInvariant">one arithmetic whatever n</param>
    /// <param name="avx512">the executable targets AVX-512 (and this process runs it)</param>
    /// <param name="halfActivations">
    /// the fast numerics with run-time assembled kernels: a lone F16 decode row meets its activations rounded to halves
    /// (<see cref="MatMulKernel.F16HalfActivations"/>), as llama.cpp computes F16 weights
    /// </param>
    public static MatMulKernel Exact(GgmlType type, int weightRows, int cols, int n, bool batchInvariant, bool avx512, bool halfActivations = false)
    {
        bool use512 = avx512 && KernelIsa.Use512;
        if (halfActivations && n == 1 && !batchInvariant && use512 && type == GgmlType.F16 && F16HalfMatVec.Applies(cols))
        {
            return MatMulKernel.F16HalfActivations;
        }

        if (!batchInvariant && n >= MatMul.OuterRowsFor(type, cols) && use512 && cols % 16 == 0 && weightRows >= 64)
        {
            return MatMulKernel.FloatOuterTile;
        }

        if (n > 1 || batchInvariant)
        {
            return MatMulKernel.DequantTile4;
        }

        return use512 switch
        {
            true when type == GgmlType.F16 => MatMulKernel.F16MatVec512,
            true when type is not (GgmlType.F32 or GgmlType.BF16) => MatMulKernel.DequantMatVec512,
            _ => MatMulKernel.DequantRowDot,
        };
    }

    /// <summary>The kernel of an 8-bit-activation product of n rows against a matrix cols wide.</summary>
    /// <param name="type">the weights' element type</param>
    /// <param name="cols">weight columns</param>
    /// <param name="n">activation rows of the call</param>
    /// <param name="batchInvariant">one arithmetic whatever n</param>
    /// <param name="packed">the layout of the matrix's packed copy, or null when it is not packed</param>
    /// <param name="avx512">the executable targets AVX-512 (and this process runs it)</param>
    public static MatMulKernel Quantized(GgmlType type, int cols, int n, bool batchInvariant, Q8Layout? packed, bool avx512)
    {
        if (packed == Q8Layout.Vnni)
        {
            return MatMulKernel.VnniPanels;
        }

        bool use512 = avx512 && KernelIsa.Use512;
        bool q8Tile = use512 && type == GgmlType.Q8_0 && (n >= 2 || batchInvariant || packed == Q8Layout.Tile) && Q8Tile512.Applies(cols);
        if (q8Tile)
        {
            return MatMulKernel.Q8Tile;
        }

        if (!use512)
        {
            return MatMulKernel.IntRowDot;
        }

        if (batchInvariant)
        {
            return Invariant(type, cols);
        }

        return n == 1 ? Decode(type, cols) : Batch(type, cols, n);
    }

    /// <summary>
    /// The one kernel of every row count with batch invariance (Q8_0's tile is chosen before): the type's integer tile, whose
    /// last activation rows through its one-row instantiation (<see cref="OneRow"/>), so one row, decode included, takes the
    /// same arithmetic as a row inside a batch; the row dot for types without a tile.
    /// </summary>
    private static MatMulKernel Invariant(GgmlType type, int cols) => type switch
    {
        GgmlType.Q4_0 or GgmlType.Q5_0 when Q4Tile512.Applies(cols) => MatMulKernel.Q4Tile,
        GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 when cols / 32 <= 8192 => MatMulKernel.IntTile4x4,
        GgmlType.Q4_K or GgmlType.Q6_K => MatMulKernel.IntKTile4x4,
        _ => MatMulKernel.IntRowDot,
    };

    /// <summary>
    /// The layout a Q8_0 matrix of 8-bit-activation products is packed into at load, or null when it stays raw: VNNI panels
    /// when <paramref name="vnni"/> and the CPU runs them, else the integer tiles with batch invariance (without it only the
    /// VNNI copy is worth its memory: the raw decode kernel beats a packed row dot).
    /// </summary>
    public static Q8Layout? Packing(GgmlType type, int cols, bool batchInvariant, bool vnni)
    {
        if (type is GgmlType.Q4_0 or GgmlType.Q5_0 or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K)
        {
            // Nibble panels at the file's size: every row count on the VNNI kernels, batch invariant by construction.
            return vnni && VnniPanels.Applies(type, cols) ? Q8Layout.Vnni : null;
        }

        if (type != GgmlType.Q8_0)
        {
            return null;
        }

        if (vnni && VnniPanels.Applies(type, cols))
        {
            return Q8Layout.Vnni;
        }

        return batchInvariant && Q8Tile512.Applies(cols) ? Q8Layout.Tile : null;
    }

    /// <summary>
    /// Whether <paramref name="kernel"/> runs two or three matrices of one type and width over the same n rows in one pool
    /// run (<see cref="MatMul.RunGroup(WorkerPool, ReadOnlySpan{WeightMatrix}, ReadOnlySpan{float}, int, ReadOnlySpan{nint}, MatMulKernel)"/>,
    /// <see cref="MatMulInt8.RunGroup(WorkerPool, ReadOnlySpan{WeightMatrix}, ReadOnlySpan{byte}, int, ReadOnlySpan{nint}, MatMulKernel)"/>):
    /// the kernels whose rows are prepared once for every matrix, the integer tiles included (their chunks stay whole
    /// tiles, so a weight row takes the same kernel joined or alone). The f32 outer-product tiles run one matrix at a
    /// time, as does the integer row dot of more than one row.
    /// </summary>
    public static bool Joins(MatMulKernel kernel, int n) => kernel switch
    {
        MatMulKernel.FloatOuterTile => false,
        MatMulKernel.IntRowDot => n == 1,
        _ => true,
    };

    private static MatMulKernel Decode(GgmlType type, int cols) => type switch
    {
        GgmlType.Q4_0 when Q4MatVec512.Applies(cols) => MatMulKernel.Q4MatVec512,
        GgmlType.Q5_0 when Q4MatVec512.Applies(cols) => MatMulKernel.Q5MatVec512,
        GgmlType.Q4_K when Q4KMatVec512.Applies(cols) => MatMulKernel.Q4KMatVec512,
        GgmlType.Q8_0 when Q8MatVec512.Applies(cols) => MatMulKernel.Q8MatVec512,
        _ => MatMulKernel.IntRowDot,
    };

    private static MatMulKernel Batch(GgmlType type, int cols, int n)
    {
        if (n < IntTile512.Tile)
        {
            return MatMulKernel.IntRowDot;
        }

        return type switch
        {
            GgmlType.Q4_0 or GgmlType.Q5_0 when Q4Tile512.Applies(cols) => MatMulKernel.Q4Tile,
            GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q5_0 when cols / 32 <= 8192 => MatMulKernel.IntTile4x4,
            GgmlType.Q4_K or GgmlType.Q6_K => MatMulKernel.IntKTile4x4,
            _ => MatMulKernel.IntRowDot,
        };
    }
}
