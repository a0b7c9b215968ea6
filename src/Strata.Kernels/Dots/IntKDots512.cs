// AVX-512 integer dots of Q4_K/Q5_K/Q6_K weight rows with Q8_K activations: exact int32 per super-block, one f32 scale.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Row · xq for one weight row and one Q8_K activation row. Per 256-element super-block, the sub-block scales are
/// applied in int16 × int16 → int32 (vpmaddwd), so the lanes sum exactly to ggml's integer sumi; the f32 scale is
/// applied once per super-block (and the minima through the activation block sums). Requires AVX-512 F/BW.
/// </summary>
internal static unsafe class IntKDots512
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q4K(byte* w, byte* x, int cols)
    {
        Vector512<float> acc = Vector512<float>.Zero;
        Vector256<float> accMin = Vector256<float>.Zero;
        Vector512<ushort> nibbleShift = HalfCounts(0, 4);
        for (int b = 0; b < cols / 256; b++, w += 144, x += ActivationQuant.Q8KBlockBytes)
        {
            Vector512<short> scales = Scales(w + 4, x, out Vector256<int> mins);
            sbyte* y = (sbyte*)(x + 4);
            Vector512<int> sum = Group(Nibbles(w + 16, nibbleShift), y, scales, 0)
                + Group(Nibbles(w + 48, nibbleShift), y + 64, scales, 1)
                + Group(Nibbles(w + 80, nibbleShift), y + 128, scales, 2)
                + Group(Nibbles(w + 112, nibbleShift), y + 192, scales, 3);
            float dy = *(float*)x;
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sum), Vector512.Create(dy * HalfScale.Read(w)), acc);
            accMin = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(mins), Vector256.Create(dy * HalfScale.Read(w + 2)), accMin);
        }

        return Reduce512.Sum(acc) - Vector256.Sum(accMin);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q5K(byte* w, byte* x, int cols)
    {
        Vector512<float> acc = Vector512<float>.Zero;
        Vector256<float> accMin = Vector256<float>.Zero;
        Vector512<ushort> nibbleShift = HalfCounts(0, 4);
        Vector512<byte> bit4 = Vector512.Create((byte)0x10);
        for (int b = 0; b < cols / 256; b++, w += 176, x += ActivationQuant.Q8KBlockBytes)
        {
            Vector512<short> scales = Scales(w + 4, x, out Vector256<int> mins);

            // Sub-block s takes bit s of qh[l]. The upper half is pre-shifted by one so group g reads bit 2g in both.
            Vector512<ushort> qh = Avx512BW.ShiftRightLogicalVariable(
                Both(w + 16).AsUInt16(), HalfCounts(0, 1));
            sbyte* y = (sbyte*)(x + 4);
            Vector512<int> sum = Group(Nibbles(w + 48, nibbleShift) | (Vector512.ShiftLeft(qh, 4).AsByte() & bit4), y, scales, 0)
                + Group(Nibbles(w + 80, nibbleShift) | (Vector512.ShiftLeft(qh, 2).AsByte() & bit4), y + 64, scales, 1)
                + Group(Nibbles(w + 112, nibbleShift) | (qh.AsByte() & bit4), y + 128, scales, 2)
                + Group(Nibbles(w + 144, nibbleShift) | (Vector512.ShiftRightLogical(qh, 2).AsByte() & bit4), y + 192, scales, 3);
            float dy = *(float*)x;
            acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sum), Vector512.Create(dy * HalfScale.Read(w)), acc);
            accMin = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(mins), Vector256.Create(dy * HalfScale.Read(w + 2)), accMin);
        }

        return Reduce512.Sum(acc) - Vector256.Sum(accMin);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q6K(byte* w, byte* x, int cols)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < cols / 256; b++, w += 210, x += ActivationQuant.Q8KBlockBytes)
        {
            Vector512<int> sum = Six(w, x, out Vector256<int> offset);
            Vector256<int> total = sum.GetLower() + sum.GetUpper() - (offset << 5);
            acc = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(total), Vector256.Create(*(float*)x * HalfScale.Read(w + 208)), acc);
        }

        return Vector256.Sum(acc);
    }

    /// <summary>
    /// <see cref="Q6K"/> in the arithmetic of a lane of <see cref="IntKTile512.Q6K{TRows}"/>: per super-block the exact
    /// int32 Σ sc·q·y − 32·Σ sc·bsum, converted once and accumulated by one f32 FMA with d·dy; bit-identical to the tile's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q6KTileRow(byte* w, byte* x, int nsb)
    {
        float acc = 0;
        for (int b = 0; b < nsb; b++, w += 210, x += ActivationQuant.Q8KBlockBytes)
        {
            Vector512<int> sum = Six(w, x, out Vector256<int> offset);
            (int products, int offsets) = Reduce512.SumPair(sum, offset);
            acc = MathF.FusedMultiplyAdd(products - (offsets << 5), HalfScale.Read(w + 208) * *(float*)x, acc);
        }

        return acc;
    }

    /// <summary>
    /// One Q6_K super-block against the activation block at x: 16 int32 lanes of Σ sc·q·y (q unsigned) and, in offset,
    /// sc·bsum pairs (Σ sc·bsum gives the −32 offset exactly); prefetches the row ahead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Six(byte* w, byte* x, out Vector256<int> offset)
    {
        Vector512<byte> m4 = Vector512.Create((byte)0x0F);
        Vector512<byte> m30 = Vector512.Create((byte)0x30);
        Vector512<ushort> upLeft = HalfCounts(4, 2);
        Vector512<ushort> upRight = HalfCounts(0, 2);
        Sse.Prefetch0(w + StreamPrefetch.Ahead);
        Sse.Prefetch0(w + StreamPrefetch.Ahead + 64);
        Sse.Prefetch0(w + StreamPrefetch.Ahead + 128);
        Sse.Prefetch0(w + StreamPrefetch.Ahead + 192);
        Vector256<short> sc = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)(w + 192)));
        offset = Avx2.MultiplyAddAdjacent(sc, Vector256.Load((short*)(x + 260)));
        Vector512<short> sc512 = Vector512.Create(sc, sc);
        return SixHalf(w, x, sc512, 0, m4, m30, upLeft, upRight) + SixHalf(w, x, sc512, 1, m4, m30, upLeft, upRight);
    }

    /// <summary>Q6_K elements 128·h … 128·h+127 against the activations: 16 int32 lanes of Σ sc·q·y (q unsigned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> SixHalf(byte* w, byte* x, Vector512<short> sc512, int h, Vector512<byte> m4,
        Vector512<byte> m30, Vector512<ushort> upLeft, Vector512<ushort> upRight)
    {
        Vector512<byte> ql = Vector512.Load(w + (64 * h));
        Vector512<ushort> qh = Both(w + 128 + (32 * h)).AsUInt16();
        Vector512<byte> q0 = (ql & m4) | (Avx512BW.ShiftLeftLogicalVariable(qh, upLeft).AsByte() & m30);
        Vector512<byte> q1 = (Vector512.ShiftRightLogical(ql.AsUInt16(), 4).AsByte() & m4)
            | (Avx512BW.ShiftRightLogicalVariable(qh, upRight).AsByte() & m30);
        sbyte* y = (sbyte*)(x + 4 + (128 * h));
        Vector512<short> p0 = Avx512BW.MultiplyAddAdjacent(q0, Vector512.Load(y));
        Vector512<short> p1 = Avx512BW.MultiplyAddAdjacent(q1, Vector512.Load(y + 64));
        return Avx512BW.MultiplyAddAdjacent(p0, Avx512BW.PermuteVar32x16(sc512, SixScaleIndex(8 * h)))
            + Avx512BW.MultiplyAddAdjacent(p1, Avx512BW.PermuteVar32x16(sc512, SixScaleIndex((8 * h) + 4)));
    }

    /// <summary>
    /// Unpacks the 6-bit scales and mins of a Q4_K/Q5_K super-block (ggml's utmp shuffle) into int16 lanes 0–7 (scales)
    /// and 8–15 (mins); mins receives m_s·(bsum_2s + bsum_2s+1) per sub-block s from the activation block at x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<short> Scales(byte* s, byte* x, out Vector256<int> mins)
    {
        KQuantScales.UnpackK4(s, out ulong scales, out ulong minima);
        Vector128<byte> v = Vector128.Create(scales, minima).AsByte();
        Vector256<short> pairs = Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(v, v)).AsInt16();
        mins = Avx2.MultiplyAddAdjacent(Vector256.Load((short*)(x + 260)), pairs);
        Vector256<short> s16 = Avx2.ConvertToVector256Int16(v).AsInt16();
        return Vector512.Create(s16, s16);
    }

    /// <summary>The 32 bytes at q in both halves, the upper half shifted right by the count's upper lanes, low nibbles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Nibbles(byte* q, Vector512<ushort> shift) =>
        Avx512BW.ShiftRightLogicalVariable(Both(q).AsUInt16(), shift).AsByte()
        & Vector512.Create((byte)0x0F);

    /// <summary>Sub-blocks 2g (lanes 0–31) and 2g+1 (lanes 32–63) of levels q against y, scaled: 16 int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Group(Vector512<byte> q, sbyte* y, Vector512<short> scales, int g)
    {
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(q, Vector512.Load(y));
        Vector512<short> index = Vector512.Create(
            Vector256.Create((short)(2 * g)), Vector256.Create((short)((2 * g) + 1)));
        return Avx512BW.MultiplyAddAdjacent(p, Avx512BW.PermuteVar32x16(scales, index));
    }

    /// <summary>vpermw index of four Q6_K sub-blocks first, first+1, first+2, first+3 (8 int16 lanes each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> SixScaleIndex(int first) => Vector512.Create(
        Vector256.Create(Vector128.Create((short)first), Vector128.Create((short)(first + 1))),
        Vector256.Create(Vector128.Create((short)(first + 2)), Vector128.Create((short)(first + 3))));

    /// <summary>The 32 bytes at p in both 256-bit halves.</summary>
    /// <remarks>Not Avx512F.BroadcastVector256ToVector512: with .NET 10 its load folded into a later vpsrlvw read wrong data.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Both(byte* p)
    {
        Vector256<byte> v = Vector256.Load(p);
        return Vector512.Create(v, v);
    }

    /// <summary>Word shift counts: a in lanes 0–15 (bytes 0–31), b in lanes 16–31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> HalfCounts(ushort a, ushort b) =>
        Vector512.Create(Vector256.Create(a), Vector256.Create(b));
}
