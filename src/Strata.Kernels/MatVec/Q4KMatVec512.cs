// Q4_K matrix-vector product (decode: one activation row) over a Q8_K activation row whose quants are regrouped to the weights' nibble order.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Matrix-vector for Q4_K weights with Q8_K activations. In a super-block, the 64 packed bytes of sub-block pairs
/// (2g, 2g+1) and (2g+2, 2g+3) hold sub-blocks 2g and 2g+2 in their low nibbles and 2g+1 and 2g+3 in their high ones. The
/// activation quants are regrouped once per product to that order, so each half super-block is one 512-bit load, two
/// ANDs and a shift, two byte products and two scaled word products (the element-order kernel loads and shifts every
/// 32 bytes twice). Sums are exact int32 per super-block, as in <see cref="IntKDots512.Q4K"/>. Requires AVX-512 F/BW.
/// </summary>
/// <remarks>
/// Prepared block: the Q8_K block (f32 d, 256 int8, 16 int16 sums) with the quants of half h (elements 128h…128h+127)
/// stored as [128h+0…31 | 128h+64…95 | 128h+32…63 | 128h+96…127].
/// </remarks>
internal static unsafe class Q4KMatVec512
{
    /// <summary>True where the prepared path runs.</summary>
    public static bool Applies(int cols) => KernelIsa.Use512 && cols % 256 == 0 && cols > 0;

    /// <summary>Bytes of the prepared row (the Q8_K row size).</summary>
    public static int PreparedBytes(int cols) => cols / 256 * ActivationQuant.Q8KBlockBytes;

    /// <summary>Regroups one Q8_K activation row into the prepared layout at dst.</summary>
    public static void Prepare(byte* xq, int cols, byte* dst)
    {
        for (int b = 0; b < cols / 256; b++, xq += ActivationQuant.Q8KBlockBytes, dst += ActivationQuant.Q8KBlockBytes)
        {
            *(float*)dst = *(float*)xq;
            Vector256.Load(xq + 260).Store(dst + 260);
            for (int h = 0; h < 2; h++)
            {
                byte* s = xq + 4 + (128 * h);
                byte* d = dst + 4 + (128 * h);
                Vector256.Load(s).Store(d);
                Vector256.Load(s + 64).Store(d + 32);
                Vector256.Load(s + 32).Store(d + 64);
                Vector256.Load(s + 96).Store(d + 96);
            }
        }
    }

    /// <summary>Weight row w (cols/256 Q4_K super-blocks) · the prepared activation row xp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* xp, int cols)
    {
        Vector512<float> acc = Vector512<float>.Zero;
        Vector256<float> accMin = Vector256<float>.Zero;
        for (int b = 0; b < cols / 256; b++, w += 144, xp += ActivationQuant.Q8KBlockBytes)
        {
            Vector512<int> sum = Sums(w, xp, out Vector256<int> mins);
            float dy = *(float*)xp;
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sum), Vector512.Create(dy * HalfScale.Read(w)), acc);
            accMin = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(mins), Vector256.Create(dy * HalfScale.Read(w + 2)), accMin);
        }

        return Reduce512.Sum(acc) - Vector256.Sum(accMin);
    }

    /// <summary>
    /// <see cref="Dot"/> in the arithmetic of a lane of <see cref="IntKTile512.Q4K{TRows}"/>: per super-block the exact
    /// int32 totals Σ sc·Σ q·y and Σ m·bsum, each converted once and accumulated by one f32 FMA with d·dy and dmin·dy, the
    /// minima subtracted at the end. The integer sums are exact in any order, so the result is bit-identical to the tile's
    /// for the same rows: a row alone (decode) or after a batch's last full tile takes this prepared kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotTileRow(byte* w, byte* xp, int nsb)
    {
        Vector128<float> pair = Vector128<float>.Zero;
        for (int b = 0; b < nsb; b++, w += 144, xp += ActivationQuant.Q8KBlockBytes)
        {
            Vector512<int> sum = Sums(w, xp, out Vector256<int> mins);

            // Lanes [Σ sc·Σ q·y, Σ m·bsum, …] against [d·dy, dmin·dy, …]: both chains in one FMA.
            Vector128<float> dy = Vector128.Create(*(float*)xp);
            Vector128<float> scale = Vector128.Create(HalfScale.Read(w), HalfScale.Read(w + 2), 0, 0) * dy;
            pair = Fma.MultiplyAdd(Sse2.ConvertToVector128Single(Reduce512.SumPairVector(sum, mins)), scale, pair);
        }

        return pair.ToScalar() - pair.GetElement(1);
    }

    /// <summary>
    /// One super-block of weight row w against the prepared block at xp: 16 int32 lanes of scaled sums Σ sc·q·y and, in
    /// mins, m_s·bsum_s per sub-block (both exact); prefetches the row ahead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Sums(byte* w, byte* xp, out Vector256<int> mins)
    {
        // Word lanes 0–15 come from the first 32 bytes (sub-block 4h or 4h+1), lanes 16–31 from sub-block 4h+2 or 4h+3.
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        Sse.Prefetch0(w + StreamPrefetch.Ahead);
        Sse.Prefetch0(w + StreamPrefetch.Ahead + 64);
        Sse.Prefetch0(w + StreamPrefetch.Ahead + 128);
        Vector512<short> scales = IntKDots512.Scales(w + 4, xp, out mins);
        sbyte* y = (sbyte*)(xp + 4);
        Vector512<byte> v0 = Vector512.Load(w + 16);
        Vector512<byte> v1 = Vector512.Load(w + 80);
        return Scaled(v0 & low, y, scales, Index(0, 2))
            + Scaled(Vector512.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & low, y + 64, scales, Index(1, 3))
            + Scaled(v1 & low, y + 128, scales, Index(4, 6))
            + Scaled(Vector512.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & low, y + 192, scales, Index(5, 7));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Scaled(Vector512<byte> q, sbyte* y, Vector512<short> scales, Vector512<short> index) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q, Vector512.Load(y)), Avx512BW.PermuteVar32x16(scales, index));

    /// <summary>vpermw index: sub-block a's scale in word lanes 0–15, sub-block c's in 16–31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Index(short a, short c) => Vector512.Create(Vector256.Create(a), Vector256.Create(c));
}
