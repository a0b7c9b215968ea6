// AVX-512 integer dots of Q8_0/Q4_0/Q5_0 weight rows with Q8_0 activations: two 32-element blocks per 512-bit step.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Row · xq for one weight row and one Q8_0 activation row. A step covers blocks b and b+1: int32 lanes 0–7 hold block
/// b's exact partial sums of Σ q·y, lanes 8–15 block b+1's; they are scaled by [dw·dy]×8 per block in f32. An odd last
/// block goes through <see cref="IntDots256"/>. Requires AVX-512 F/BW.
/// </summary>
internal static unsafe class IntDots512
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q8_0(byte* w, byte* x, int cols)
    {
        int nb = cols / 32;
        Vector512<float> acc = Vector512<float>.Zero;
        int b = 0;
        for (; b + 2 <= nb; b += 2, w += 68, x += 68)
        {
            Vector512<sbyte> q = Load2(w + 2, w + 36);
            acc = Scale(SignedSum(q, Load2(x + 2, x + 36)), w, 34, x, acc);
        }

        float sum = Reduce512.Sum(acc);
        return b < nb ? sum + Vector256.Sum(IntDots256.BlockQ8_0(w, x, Vector256<float>.Zero)) : sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q4_0(byte* w, byte* x, int cols)
    {
        int nb = cols / 32;
        Vector512<float> acc = Vector512<float>.Zero;
        Vector512<byte> eight = Vector512.Create((byte)8);
        int b = 0;

        // 16 blocks per step: the 16 weight and 16 activation scales are converted as vectors and multiplied once;
        // each block pair then takes [d_k ×8, d_k+1 ×8] out of that vector with one permute.
        Vector512<int> pairIdx = Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
        for (; b + 16 <= nb; b += 16)
        {
            Vector512<float> d16 = HalfScales512.Stride18(w) * HalfScales512.Stride34(x);
            Vector512<int> idx = pairIdx;
            for (int k = 0; k < 8; k++, w += 36, x += 68, idx += Vector512.Create(2))
            {
                Vector512<sbyte> y = Load2(x + 2, x + 36);
                Vector512<int> s = OffsetSum(Q4(w, 18), y, eight);
                acc = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(s), Avx512F.PermuteVar16x32(d16, idx), acc);
            }
        }

        for (; b + 2 <= nb; b += 2, w += 36, x += 68)
        {
            Vector512<sbyte> y = Load2(x + 2, x + 36);
            acc = Scale(OffsetSum(Q4(w, 18), y, eight), w, 18, x, acc);
        }

        float sum = Reduce512.Sum(acc);
        return b < nb ? sum + Vector256.Sum(IntDots256.BlockQ4_0(w, x, Vector256<float>.Zero)) : sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q5_0(byte* w, byte* x, int cols)
    {
        int nb = cols / 32;
        Vector512<float> acc = Vector512<float>.Zero;
        Vector512<byte> sixteen = Vector512.Create((byte)16);
        int b = 0;
        for (; b + 2 <= nb; b += 2, w += 44, x += 68)
        {
            Vector512<sbyte> y = Load2(x + 2, x + 36);
            acc = Scale(OffsetSum(Q5(w, 22), y, sixteen), w, 22, x, acc);
        }

        float sum = Reduce512.Sum(acc);
        return b < nb ? sum + Vector256.Sum(IntDots256.BlockQ5_0(w, x, Vector256<float>.Zero)) : sum;
    }

    /// <summary>The 32 bytes at a then the 32 at b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Load2(byte* a, byte* b) =>
        Vector512.Create(Vector256.Load((sbyte*)a), Vector256.Load((sbyte*)b));

    /// <summary>Levels 0–15 of the Q4_0 blocks at w and w + stride, element order (lanes 32·k + e).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Q4(byte* w, int stride)
    {
        // [qs0, qs1] → 128-bit lanes [qs0, qs0, qs1, qs1] → odd lanes shifted by 4 → low nibbles.
        Vector256<byte> v = Vector256.Create(Vector128.Load(w + 2), Vector128.Load(w + stride + 2));
        Vector512<ulong> dup = Avx512F.PermuteVar8x64(v.AsUInt64().ToVector512Unsafe(), Vector512.Create(0UL, 1, 0, 1, 2, 3, 2, 3));
        Vector512<ushort> counts = Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0,
            4, 4, 4, 4, 4, 4, 4, (ushort)4);
        return Avx512BW.ShiftRightLogicalVariable(dup.AsUInt16(), counts).AsByte() & Vector512.Create((byte)0x0F);
    }

    /// <summary>Levels 0–31 of the Q5_0 blocks at w and w + stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Q5(byte* w, int stride)
    {
        Vector256<byte> v = Vector256.Create(Vector128.Load(w + 6), Vector128.Load(w + stride + 6));
        Vector512<ulong> dup = Avx512F.PermuteVar8x64(v.AsUInt64().ToVector512Unsafe(), Vector512.Create(0UL, 1, 0, 1, 2, 3, 2, 3));
        Vector512<ushort> counts = Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0,
            4, 4, 4, 4, 4, 4, 4, (ushort)4);
        Vector512<byte> nib = Avx512BW.ShiftRightLogicalVariable(dup.AsUInt16(), counts).AsByte() & Vector512.Create((byte)0x0F);

        // Bit e of the 64-bit qh pair goes to lane e: byte e/8 is spread over 8 lanes, then each lane tests its bit.
        ulong bits = Unsafe.ReadUnaligned<uint>(w + 2) | ((ulong)Unsafe.ReadUnaligned<uint>(w + stride + 2) << 32);
        Vector512<byte> spread = Avx512BW.Shuffle(Vector512.Create(bits).AsByte(), Vector512.Create(
            0x0000000000000000UL, 0x0101010101010101UL, 0x0202020202020202UL, 0x0303030303030303UL,
            0x0404040404040404UL, 0x0505050505050505UL, 0x0606060606060606UL, 0x0707070707070707UL).AsByte());
        Vector512<byte> set = Vector512.Min(spread & Vector512.Create(0x8040201008040201UL).AsByte(), Vector512<byte>.One);
        return nib | Vector512.ShiftLeft(set.AsUInt16(), 4).AsByte();
    }

    /// <summary>16 int32 lanes: lanes 0–7 sum to block 0's Σ w·y, lanes 8–15 to block 1's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> SignedSum(Vector512<sbyte> w, Vector512<sbyte> y)
    {
        Vector512<sbyte> sy = Avx512BW.BlendVariable(y, Vector512<sbyte>.Zero - y, w);
        return Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Avx512BW.Abs(w), sy), Vector512.Create((short)1));
    }

    /// <summary>16 int32 lanes: per block, Σ (q − offset)·y for unsigned q ≤ 31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> OffsetSum(Vector512<byte> q, Vector512<sbyte> y, Vector512<byte> offset)
    {
        Vector512<short> p = Avx512BW.MultiplyAddAdjacent(q, y) - Avx512BW.MultiplyAddAdjacent(offset, y);
        return Avx512BW.MultiplyAddAdjacent(p, Vector512.Create((short)1));
    }

    /// <summary>acc + lanes·[dw0·dy0 ×8, dw1·dy1 ×8] for the blocks at w, w + stride and x, x + 34.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Scale(Vector512<int> s, byte* w, int stride, byte* x, Vector512<float> acc)
    {
        Vector512<float> d = Vector512.Create(
            Vector256.Create(HalfScale.Read(w) * HalfScale.Read(x)), Vector256.Create(HalfScale.Read(w + stride) * HalfScale.Read(x + 34)));
        return Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(s), d, acc);
    }
}
