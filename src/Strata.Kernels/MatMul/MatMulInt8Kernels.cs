// What each 8-bit-activation kernel needs of a call, and the tile entry points MatMulInt8 hands its job.
namespace Strata.Kernels;

/// <summary>
/// The checks and entry points behind <see cref="MatMulInt8"/>'s kernel overloads: a kernel chosen by a compiler plan runs
/// only where its code applies (row count, type, width, packing, ISA), else the call fails with what was asked and found.
/// </summary>
internal static unsafe class MatMulInt8Kernels
{
    /// <summary>Whether the kernel is a one-row matrix-vector kernel over a prepared activation row.</summary>
    public static bool IsMatVec(MatMulKernel kernel) =>
        kernel is MatMulKernel.Q4MatVec512 or MatMulKernel.Q5MatVec512 or MatMulKernel.Q4KMatVec512 or MatMulKernel.Q8MatVec512;

    /// <summary>Throws unless <paramref name="kernel"/> is an 8-bit-activation kernel that can run n rows of w here.</summary>
    /// <exception cref="ArgumentException">it cannot, saying why</exception>
    public static void CheckRuns(MatMulKernel kernel, in WeightMatrix w, int n)
    {
        string? why = kernel switch
        {
            MatMulKernel.IntRowDot => null,
            MatMulKernel.VnniPanels => w.Packed != 0 && w.PackedLayout == Q8Layout.Vnni ? null : "needs the matrix packed into VNNI panels",
            MatMulKernel.Q8Tile => w.Type == GgmlType.Q8_0 && Q8Tile512.Applies(w.Cols) && (w.Packed == 0 || w.PackedLayout == Q8Layout.Tile)
                ? null : "needs raw or tile-packed Q8_0 weights of an even number of blocks (64+ columns) and AVX-512",
            MatMulKernel.Q4MatVec512 => OneRow(n, w.Type == GgmlType.Q4_0 && Q4MatVec512.Applies(w.Cols)),
            MatMulKernel.Q5MatVec512 => OneRow(n, w.Type == GgmlType.Q5_0 && Q4MatVec512.Applies(w.Cols)),
            MatMulKernel.Q4KMatVec512 => OneRow(n, w.Type == GgmlType.Q4_K && Q4KMatVec512.Applies(w.Cols)),
            MatMulKernel.Q8MatVec512 => OneRow(n, w.Type == GgmlType.Q8_0 && Q8MatVec512.Applies(w.Cols)),
            MatMulKernel.Q4Tile => w.Type is GgmlType.Q4_0 or GgmlType.Q5_0 && Q4Tile512.Applies(w.Cols)
                ? null : "needs Q4_0 or Q5_0 weights 128–16384 wide and AVX-512 VBMI",
            MatMulKernel.IntTile4x4 => Gemm(w.Type) != null && w.Cols / 32 <= 8192
                ? null : "needs Q8_0, Q4_0 or Q5_0 weights of at most 8192 blocks and AVX-512",
            MatMulKernel.IntKTile4x4 => GemmK(w.Type) != null
                ? null : "needs Q4_K or Q6_K weights and AVX-512",
            _ => "is not an 8-bit-activation kernel",
        };
        if (why != null)
        {
            throw new ArgumentException($"{kernel} {why}; the call has {n} rows against {w.Type} [{w.Rows}, {w.Cols}]"
                + (w.Packed != 0 ? $" packed as {w.PackedLayout}." : "."), nameof(kernel));
        }
    }

    /// <summary>The 4 × 4 legacy-quant tile for the type on AVX-512, or null.</summary>
    public static delegate*<byte*, nint, float*, byte*, nint, float*, int, int, float*, nint, void> Gemm(GgmlType type) =>
        !KernelIsa.Use512 ? null : type switch
        {
            GgmlType.Q8_0 => &IntTile512.Q8_0<FourRows>,
            GgmlType.Q4_0 => &IntTile512.Q4_0<FourRows>,
            GgmlType.Q5_0 => &IntTile512.Q5_0<FourRows>,
            _ => null,
        };

    /// <summary>The legacy-quant tile of one activation row (exactly a row of <see cref="Gemm"/>'s tile), or null.</summary>
    public static delegate*<byte*, nint, float*, byte*, nint, float*, int, int, float*, nint, void> Gemm1(GgmlType type) =>
        !KernelIsa.Use512 ? null : type switch
        {
            GgmlType.Q8_0 => &IntTile512.Q8_0<OneRow>,
            GgmlType.Q4_0 => &IntTile512.Q4_0<OneRow>,
            GgmlType.Q5_0 => &IntTile512.Q5_0<OneRow>,
            _ => null,
        };

    /// <summary>The 4 × 4 K-quant tile for the type on AVX-512, or null.</summary>
    public static delegate*<byte*, nint, byte*, nint, int, float*, nint, void> GemmK(GgmlType type) =>
        !KernelIsa.Use512 ? null : type switch
        {
            GgmlType.Q4_K => &IntKTile512.Q4K<FourRows>,
            GgmlType.Q6_K => &IntKTile512.Q6K<FourRows>,
            _ => null,
        };

    /// <summary>
    /// The K-quant tile of one activation row (exactly a row of <see cref="GemmK"/>'s tile), or null; Q4_K's takes the row
    /// prepared for <see cref="Q4KMatVec512"/> (<see cref="PreparesTail"/>).
    /// </summary>
    public static delegate*<byte*, nint, byte*, nint, int, float*, nint, void> GemmK1(GgmlType type) =>
        !KernelIsa.Use512 ? null : type switch
        {
            GgmlType.Q4_K => &IntKTile512.Q4KPreparedRow,
            GgmlType.Q6_K => &IntKTile512.Q6K<OneRow>,
            _ => null,
        };

    private static string? OneRow(int n, bool applies) =>
        n != 1 ? "takes one row" : applies ? null : "needs its weight type, enough blocks per row and AVX-512 (VBMI for Q4_0/Q5_0)";

    /// <summary>The K-quant tile over tile rows decoded once per product (<see cref="PrepareK"/>), or null.</summary>
    public static delegate*<byte*, byte*, nint, int, float*, nint, void> GemmKPrepared(GgmlType type) =>
        !KernelIsa.Use512 ? null : type switch
        {
            GgmlType.Q4_K => &IntKTile512.Q4KPrepared<FourRows>,
            GgmlType.Q6_K => &IntKTile512.Q6KPrepared<FourRows>,
            _ => null,
        };

    /// <summary>The decoder of a K-quant tile row for <see cref="GemmKPrepared"/>, or null.</summary>
    public static delegate*<byte*, nint, int, byte*, void> PrepareK(GgmlType type) => type switch
    {
        GgmlType.Q4_K => &IntKTile512.PrepareQ4K,
        GgmlType.Q6_K => &IntKTile512.PrepareQ6K,
        _ => null,
    };

    /// <summary>Whether the rows after a K-quant tile's last full tile are prepared for <see cref="GemmK1"/> (Q4_K's).</summary>
    public static bool PreparesTail(GgmlType type) => type == GgmlType.Q4_K;
}
