// Q5_0 matrix-vector product (decode: one activation row) over the nibble-ordered activation layout of Q4MatVec512: four blocks per step.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Matrix-vector for Q5_0 weights with 8-bit activations on <see cref="Q4MatVec512"/>'s prepared layout (prepared with
/// offset 16). A step takes four blocks (88 bytes): one byte permute gathers their 64 packed low nibbles, another their
/// four 32-bit high-bit masks; each half's fifth bits are spread to byte lanes with one more permute and tested against
/// a bit pattern. Exact int32 per block. Requires AVX-512 F/BW/VBMI.
/// </summary>
internal static unsafe class Q5MatVec512
{
    /// <summary>vpermt2b index of a quad's 64 packed quants from loads at w and w + 24.</summary>
    public static Vector512<byte> GatherQs
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(
            (byte)6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
            28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
            50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 104, 105,
            112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127);
    }

    /// <summary>vpermt2b index of a quad's high-bit masks: low halves in bytes 0–7, high halves in bytes 8–15.</summary>
    public static Vector512<byte> GatherQh
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(
            (byte)2, 3, 24, 25, 46, 47, 108, 109, 4, 5, 26, 27, 48, 49, 110, 111,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>vpermb index spreading the low-half masks: byte lane 16·i + e takes byte 2·i + e / 8.</summary>
    public static Vector512<byte> SpreadLo
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(
            (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);
    }

    /// <summary>As <see cref="SpreadLo"/> for the high-half masks (bytes 8–15).</summary>
    public static Vector512<byte> SpreadHi
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(
            (byte)8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12, 12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13, 14, 14, 14, 14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 15);
    }

    /// <summary>Weight row w (cols/32 Q5_0 blocks) · xp; reads only the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* xp, int cols) => Core(w, xp, cols, padded: false);

    /// <summary>As <see cref="Dot"/>, with a last partial group run padded: reads up to 330 bytes past the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotPadded(byte* w, byte* xp, int cols) => Core(w, xp, cols, padded: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Core(byte* w, byte* xp, int cols, bool padded)
    {
        const int group = Q4MatVec512.Group;
        int nb = cols / 32;
        Vector512<float> acc0 = Vector512<float>.Zero;
        Vector512<float> acc1 = Vector512<float>.Zero;

        // Loads at w (bytes 0–63) and w + 24 (24–87). qs of block i at 22·i + 6 + e; qh of block i at 22·i + 2.
        Vector512<byte> gatherQs = GatherQs;

        // Spread: byte lane L = 16·i + e of a half takes byte 2·i + e / 8 of that half's masks (bit e mod 8 is tested).
        // qh bytes: low halves (bits 0–15 of each block) in bytes 0–7, high halves in bytes 8–15.
        Vector512<byte> gatherQh = GatherQh;
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        Vector512<byte> bits = Vector512.Create(0x8040201008040201UL).AsByte();
        Vector512<byte> spreadLo = SpreadLo;
        Vector512<byte> spreadHi = SpreadHi;
        Vector512<short> ones = Vector512.Create((short)1);
        Vector512<int> idx0 = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        Vector512<int> four = Vector512.Create(4);
        int b = 0;
        for (; b + group <= nb; b += group, w += group * 22, xp += Q4MatVec512.GroupBytes)
        {
            Vector512<float> d = Scales(w) * Vector512.Load((float*)xp);
            byte* step = xp + 64;
            Vector512<int> idx = idx0;
            for (int k = 0; k < 4; k += 2, step += 384, idx += four + four)
            {
                byte* pf = w + (k * 88) + StreamPrefetch.Ahead;
                Sse.Prefetch0(pf);
                Sse.Prefetch0(pf + 64);
                Sse.Prefetch0(pf + 128);
                acc0 = Step(w + (k * 88), step, gatherQs, gatherQh, low, bits, spreadLo, spreadHi, ones, d, idx, acc0);
                acc1 = Step(w + ((k + 1) * 88), step + 192, gatherQs, gatherQh, low, bits, spreadLo, spreadHi, ones, d, idx + four, acc1);
            }
        }

        int rem = nb - b;
        if (padded && rem > 0)
        {
            Vector512<float> d = Scales(w) * Vector512.Load((float*)xp);
            d = Reduce512.KeepFirst(d, rem);
            byte* step = xp + 64;
            Vector512<int> idx = idx0;
            for (int k = 0; k < rem; k += 4, step += 192, idx += four)
            {
                acc0 = Step(w + ((k / 4) * 88), step, gatherQs, gatherQh, low, bits, spreadLo, spreadHi, ones, d, idx, acc0);
            }

            return Reduce512.Sum(acc0 + acc1);
        }

        float sum = Reduce512.Sum(acc0 + acc1);
        if (rem > 0)
        {
            sum += IntDots512.Q5_0(w, xp + Q4MatVec512.GroupBytes, rem * 32);
        }

        return sum;
    }

    /// <summary>The f16 scales of 16 consecutive 22-byte blocks at p (reads p[0, 352) only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Scales(byte* p)
    {
        // Block i's scale is word 11·i. Windows of 64 words at words 0, 64 and 112 hold blocks 0–5, 6–11 and 12–15;
        // each permute puts its blocks in their final lanes, and two blends merge them.
        Vector512<ushort> ia = Vector512.Create((ushort)0, 11, 22, 33, 44, 55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<ushort> ib = Vector512.Create((ushort)0, 0, 0, 0, 0, 0, 2, 13, 24, 35, 46, 57, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<ushort> ic = Vector512.Create((ushort)0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 31, 42, 53,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<ushort> a = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)p), ia, Vector512.Load((ushort*)(p + 64)));
        Vector512<ushort> b = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)(p + 128)), ib, Vector512.Load((ushort*)(p + 192)));
        Vector512<ushort> c = Avx512BW.PermuteVar32x16x2(Vector512.Load((ushort*)(p + 224)), ic, Vector512.Load((ushort*)(p + 288)));
        Vector512<ushort> lane = Vector512.Create((ushort)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
            16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        Vector512<ushort> m = Vector512.ConditionalSelect(Vector512.LessThan(lane, Vector512.Create((ushort)6)), a,
            Vector512.ConditionalSelect(Vector512.LessThan(lane, Vector512.Create((ushort)12)), b, c));
        return FloatDots.HalfToSingleSigned(Avx512F.ConvertToVector512Int32(m.GetLower().AsInt16()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step(byte* w, byte* x, Vector512<byte> gatherQs, Vector512<byte> gatherQh, Vector512<byte> low,
        Vector512<byte> bits, Vector512<byte> spreadLo, Vector512<byte> spreadHi, Vector512<short> ones, Vector512<float> d,
        Vector512<int> idx, Vector512<float> acc)
    {
        Vector512<byte> a = Vector512.Load(w);
        Vector512<byte> c = Vector512.Load(w + 24);
        Vector512<byte> v = Avx512Vbmi.PermuteVar64x8x2(a, gatherQs, c);
        Vector512<byte> qh = Avx512Vbmi.PermuteVar64x8x2(a, gatherQh, c);
        Vector512<byte> lo = (v & low) | (Vector512.Min(Avx512Vbmi.PermuteVar64x8(qh, spreadLo) & bits, Vector512<byte>.One) << 4);
        Vector512<byte> hi = (Vector512.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & low)
            | (Vector512.Min(Avx512Vbmi.PermuteVar64x8(qh, spreadHi) & bits, Vector512<byte>.One) << 4);
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(lo, Vector512.Load((sbyte*)x))
            + Avx512BW.MultiplyAddAdjacent(hi, Vector512.Load((sbyte*)(x + 64)));
        Vector512<int> s = Avx512BW.MultiplyAddAdjacent(p, ones) + Vector512.Load((int*)(x + 128));
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(s), Avx512F.PermuteVar16x32(d, idx), acc);
    }
}
