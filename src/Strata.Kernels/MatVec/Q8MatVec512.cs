// Q8_0 matrix-vector product (decode: one activation row) over a prepared copy of the Q8_0 activation row: f32 activation scales, weight scales
// converted 16 at a time with vectors, two blocks per 512-bit step.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Matrix-vector for Q8_0 weights with 8-bit activations. The element-order kernel converts four f16 scales per step with
/// scalar code; here the activation scales are converted once per product (the row is shared by every weight row) and
/// the weights' 16 scales of a group are converted with one vector sequence, so a step is the signed byte product
/// (|w| × sign-adjusted y, as in llama.cpp), one convert and one fused multiply-add with a permuted scale pair.
/// </summary>
/// <remarks>
/// Prepared layout, per group of 16 blocks (<see cref="GroupBytes"/> bytes): dy[16] as f32, then the 16 blocks' 32 quants
/// each (512 bytes). A last partial group is padded with zeros, and the nb mod 16 tail blocks then follow again in their
/// Q8_0 form. <see cref="DotPadded"/> runs the partial group too, reading up to 542 bytes past the row (into the next row)
/// with the padded lanes' scales masked to zero; <see cref="Dot"/> reads only its row. Block sums are exact int32.
/// Requires AVX-512 F/BW.
/// </remarks>
internal static unsafe class Q8MatVec512
{
    /// <summary>Blocks per group (one f16 scale vector).</summary>
    public const int Group = 16;

    /// <summary>Bytes of one prepared 16-block group.</summary>
    public const int GroupBytes = 64 + (16 * 32);

    /// <summary>True where the prepared path runs: AVX-512 and at least one full group of blocks.</summary>
    public static bool Applies(int cols) => KernelIsa.Use512 && cols / 32 >= Group;

    /// <summary>Bytes of the prepared row for cols columns.</summary>
    public static int PreparedBytes(int cols)
    {
        int nb = cols / 32;
        return (((nb + Group - 1) / Group) * GroupBytes) + ((nb % Group) * 34);
    }

    /// <summary>Rearranges one Q8_0 activation row (cols/32 blocks of 34 bytes) into the prepared layout at dst.</summary>
    public static void Prepare(byte* xq, int cols, byte* dst)
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
            for (int i = 0; i < blocks; i++, xq += 34)
            {
                dy[i] = HalfScale.Read(xq);
                Vector256.Load(xq + 2).Store(dst + 64 + (32 * i));
            }

            dst += GroupBytes;
        }

        System.Buffer.MemoryCopy(tailSource, dst, rem * 34, rem * 34);
    }

    /// <summary>Weight row w (cols/32 Q8_0 blocks) · the prepared activation row xp; reads only the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* xp, int cols) => Core(w, xp, cols, padded: false);

    /// <summary>As <see cref="Dot"/>, with a last partial group run padded: reads up to 542 bytes past the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DotPadded(byte* w, byte* xp, int cols) => Core(w, xp, cols, padded: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Core(byte* w, byte* xp, int cols, bool padded)
    {
        int nb = cols / 32;
        Vector512<float> acc0 = Vector512<float>.Zero;
        Vector512<float> acc1 = Vector512<float>.Zero;
        Vector512<short> ones = Vector512.Create((short)1);
        Vector512<int> idx0 = Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
        Vector512<int> two = Vector512.Create(2);
        int b = 0;
        for (; b + Group <= nb; b += Group, w += Group * 34, xp += GroupBytes)
        {
            Vector512<float> d = HalfScales512.Stride34(w) * Vector512.Load((float*)xp);
            byte* y = xp + 64;
            Vector512<int> idx = idx0;
            for (int k = 0; k < Group; k += 4, y += 128, idx += two + two)
            {
                acc0 = Step(w + (k * 34), y, ones, d, idx, acc0);
                acc1 = Step(w + ((k + 2) * 34), y + 64, ones, d, idx + two, acc1);
            }
        }

        int rem = nb - b;
        if (padded && rem > 0)
        {
            // Padded lanes' scales come from the next row and may be anything: masked to zero (their activations are zero).
            Vector512<float> d = HalfScales512.Stride34(w) * Vector512.Load((float*)xp);
            d = Reduce512.KeepFirst(d, rem);
            byte* y = xp + 64;
            Vector512<int> idx = idx0;
            for (int k = 0; k < rem; k += 2, y += 64, idx += two)
            {
                acc0 = Step(w + (k * 34), y, ones, d, idx, acc0);
            }

            return Reduce512.Sum(acc0 + acc1);
        }

        float sum = Reduce512.Sum(acc0 + acc1);
        if (rem > 0)
        {
            sum += IntDots512.Q8_0(w, xp + GroupBytes, rem * 32);
        }

        return sum;
    }

    /// <summary>Blocks at w and w + 34 against the 64 prepared activation bytes at y, scaled by lanes idx of d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step(byte* w, byte* y, Vector512<short> ones, Vector512<float> d, Vector512<int> idx, Vector512<float> acc)
    {
        // (Vector512.Create of two loads spills through the stack here; an explicit insert does not.)
        Vector512<sbyte> q = Avx512F.InsertVector256(Vector256.Load((sbyte*)(w + 2)).ToVector512Unsafe(), Vector256.Load((sbyte*)(w + 36)), 1);
        Vector512<sbyte> v = Vector512.Load((sbyte*)y);
        Vector512<sbyte> sv = Avx512BW.BlendVariable(v, Vector512<sbyte>.Zero - v, q);
        Vector512<int> s = Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Avx512BW.Abs(q), sv), ones);
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(s), Avx512F.PermuteVar16x32(d, idx), acc);
    }
}
