// Q4_0 matrix-vector product (decode: one activation row) over a nibble-ordered copy of the Q8_0 activation row: four blocks per 512-bit step.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Matrix-vector for Q4_0 weights with 8-bit activations. The activation row is shared by every weight row, so it is
/// rearranged once per product to match the weights' nibble order: for each group of four blocks, the low halves
/// (elements 0–15) of the four blocks, then the high halves (16–31). A weight step then takes the 64 packed bytes of
/// four blocks with one two-source byte permute, splits them into low and high nibbles (two ANDs and a shift) and needs
/// no reordering at all; the −8 offset is an exact int32 correction −8·Σy per block, prepared with the activations.
/// </summary>
/// <remarks>
/// Prepared layout, per group of 16 blocks (<see cref="GroupBytes"/> bytes): dy[16] as f32, then four steps of
/// [lo 64 B | hi 64 B | correction int32 ×16 (−8·Σy of block i in lane 4i, 0 elsewhere)]. A last partial group is padded
/// with zero activations and scales; after the groups, the nb mod 16 tail blocks follow again in their Q8_0 form (34 bytes
/// each). <see cref="DotPadded"/> runs the partial group as well, reading up to 270 bytes past the row (into the next row
/// of the matrix) with the padded lanes' scales masked to zero; <see cref="Dot"/> reads only its row and takes the tail
/// blocks through the element-order kernel. Every block's integer sum Σ(q − 8)·y is exact, as in the element-order kernels.
/// Requires AVX-512 F/BW/VBMI.
/// </remarks>
internal static unsafe class Q4MatVec512
{
    /// <summary>Blocks per group (one f16 scale vector).</summary>
    public const int Group = 16;

    /// <summary>Bytes of one prepared 16-block group.</summary>
    public const int GroupBytes = 64 + (4 * 192);

    /// <summary>True where the prepared path runs: AVX-512 with VBMI, and at least one full group of blocks.</summary>
    public static bool Applies(int cols) => KernelIsa.Use512 && Avx512Vbmi.IsSupported && cols / 32 >= Group;

    /// <summary>Bytes of the prepared row for cols columns.</summary>
    public static int PreparedBytes(int cols)
    {
        int nb = cols / 32;
        return (((nb + Group - 1) / Group) * GroupBytes) + ((nb % Group) * 34);
    }

    /// <summary>Rearranges one Q8_0 activation row (cols/32 blocks of 34 bytes) into the prepared layout at dst.</summary>
    public static void Prepare(byte* xq, int cols, byte* dst) => Prepare(xq, cols, dst, 8);

    /// <summary>As <see cref="Prepare(byte*, int, byte*)"/> with the correction −offset·Σy (16 for Q5_0 levels 0–31).</summary>
    public static void Prepare(byte* xq, int cols, byte* dst, int offset)
    {
        int nb = cols / 32;
        int groups = (nb + Group - 1) / Group;
        int rem = nb % Group;
        byte* tailSource = xq + ((nb - rem) * 34);
        for (int g = 0; g < groups; g++)
        {
            int blocks = Math.Min(Group, nb - (g * Group));
            new Span<byte>(dst, GroupBytes).Clear();
            float* dy = (float*)dst;
            for (int i = 0; i < blocks; i++)
            {
                dy[i] = HalfScale.Read(xq + (i * 34));
            }

            byte* step = dst + 64;
            for (int i = 0; i < blocks; i++)
            {
                byte* q = xq + (i * 34) + 2;
                byte* st = step + ((i / 4) * 192);
                int lane = i % 4;
                Vector128.Load(q).Store(st + (16 * lane));
                Vector128.Load(q + 16).Store(st + 64 + (16 * lane));
                int sum = 0;
                for (int e = 0; e < 32; e++)
                {
                    sum += (sbyte)q[e];
                }

                ((int*)(st + 128))[4 * lane] = -offset * sum;
            }

            xq += blocks * 34;
            dst += GroupBytes;
        }

        System.Buffer.MemoryCopy(tailSource, dst, rem * 34, rem * 34);
    }

    /// <summary>
    /// vpermt2b index of a Q4_0 quad's 64 packed quants from loads at w and w + 8: byte 16·i + e is qs[e] of block i, at
    /// offset 18·i + 2 + e of the 72 quad bytes (below 64 from the load at w, else index 64 + offset − 8).
    /// </summary>
    public static Vector512<byte> GatherQuad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(
            (byte)2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
            20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
            38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,
            56, 57, 58, 59, 60, 61, 62, 63, 120, 121, 122, 123, 124, 125, 126, 127);
    }

    /// <summary>Weight row w (cols/32 Q4_0 blocks) · the prepared activation row xp; reads only the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* xp, int cols) => Core(w, xp, cols, padded: false);

    /// <summary>
    /// As <see cref="Dot"/>, with a last partial group run as a padded group: reads up to 270 bytes past the row, so
    /// only for rows that are followed by another row of at least 16 blocks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotPadded(byte* w, byte* xp, int cols) => Core(w, xp, cols, padded: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Core(byte* w, byte* xp, int cols, bool padded)
    {
        int nb = cols / 32;
        Vector512<float> acc0 = Vector512<float>.Zero;
        Vector512<float> acc1 = Vector512<float>.Zero;

        Vector512<byte> gather = GatherQuad;
        Vector512<byte> low = Vector512.Create((byte)0x0F);
        Vector512<short> ones = Vector512.Create((short)1);
        Vector512<int> idx0 = Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        Vector512<int> four = Vector512.Create(4);
        int b = 0;
        for (; b + Group <= nb; b += Group, w += Group * 18, xp += GroupBytes)
        {
            Vector512<float> d = HalfScales512.Stride18(w) * Vector512.Load((float*)xp);
            byte* step = xp + 64;
            Vector512<int> idx = idx0;
            for (int k = 0; k < 4; k += 2, step += 384, idx += four + four)
            {
                Sse.Prefetch0(w + (k * 72) + StreamPrefetch.Ahead);
                Sse.Prefetch0(w + (k * 72) + StreamPrefetch.Ahead + 64);
                Sse.Prefetch0(w + (k * 72) + StreamPrefetch.Ahead + 128);
                acc0 = Step(w + (k * 72), step, gather, low, ones, d, idx, acc0);
                acc1 = Step(w + ((k + 1) * 72), step + 192, gather, low, ones, d, idx + four, acc1);
            }
        }

        int rem = nb - b;
        if (padded && rem > 0)
        {
            // The padded lanes' scales come from the next row and may be anything: masked to zero (their activations are
            // zero too, so their integer sums are 0).
            Vector512<float> d = HalfScales512.Stride18(w) * Vector512.Load((float*)xp);
            d = Reduce512.KeepFirst(d, rem);
            byte* step = xp + 64;
            Vector512<int> idx = idx0;
            for (int k = 0; k < rem; k += 4, step += 192, idx += four)
            {
                acc0 = Step(w + ((k / 4) * 72), step, gather, low, ones, d, idx, acc0);
            }

            return Reduce512.Sum(acc0 + acc1);
        }

        float sum = Reduce512.Sum(acc0 + acc1);
        if (rem > 0)
        {
            // Tail blocks in Q8_0 form (after the padded group) against the element-order kernel.
            sum += IntDots512.Q4_0(w, xp + GroupBytes, rem * 32);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step(byte* w, byte* x, Vector512<byte> gather, Vector512<byte> low, Vector512<short> ones,
        Vector512<float> d, Vector512<int> idx, Vector512<float> acc)
    {
        Vector512<byte> v = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(w), gather, Vector512.Load(w + 8));
        Vector512<byte> lo = v & low;
        Vector512<byte> hi = Vector512.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & low;
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(lo, Vector512.Load((sbyte*)x))
            + Avx512BW.MultiplyAddAdjacent(hi, Vector512.Load((sbyte*)(x + 64)));
        Vector512<int> s = Avx512BW.MultiplyAddAdjacent(p, ones) + Vector512.Load((int*)(x + 128));
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(s), Avx512F.PermuteVar16x32(d, idx), acc);
    }
}
