// AVX2 integer dots of Q8_0/Q4_0/Q5_0 weight rows with Q8_0 activations (llama.cpp's mul_sum_i8_pairs on 256 bits).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Row · xq for one weight row of <c>cols</c> elements and one Q8_0 activation row. Each 32-element block's integer sum
/// Σ q·y is exact (vpmaddubsw → vpmaddwd); the eight partial lanes are scaled by dw·dy in f32. Requires AVX2.
/// </summary>
internal static unsafe class IntDots256
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q8_0(byte* w, byte* x, int cols)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < cols / 32; b++, w += 34, x += 34)
        {
            acc = BlockQ8_0(w, x, acc);
        }

        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q4_0(byte* w, byte* x, int cols)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < cols / 32; b++, w += 18, x += 34)
        {
            acc = BlockQ4_0(w, x, acc);
        }

        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q5_0(byte* w, byte* x, int cols)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < cols / 32; b++, w += 22, x += 34)
        {
            acc = BlockQ5_0(w, x, acc);
        }

        return Vector256.Sum(acc);
    }

    /// <summary>acc + dw·dy·(lanes of Σ w·y) for one signed Q8_0 weight block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> BlockQ8_0(byte* w, byte* x, Vector256<float> acc)
    {
        Vector256<sbyte> q = Vector256.Load((sbyte*)(w + 2));
        Vector256<sbyte> y = Vector256.Load((sbyte*)(x + 2));
        return Scale(SignedSum(q, y), HalfScale.Read(w) * HalfScale.Read(x), acc);
    }

    /// <summary>acc + dw·dy·(lanes of Σ (q − 8)·y) for one Q4_0 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> BlockQ4_0(byte* w, byte* x, Vector256<float> acc)
    {
        Vector256<sbyte> y = Vector256.Load((sbyte*)(x + 2));
        Vector256<int> s = OffsetSum(LegacyQuantDequant.Nibbles(w + 2), y, Vector256.Create((byte)8));
        return Scale(s, HalfScale.Read(w) * HalfScale.Read(x), acc);
    }

    /// <summary>acc + dw·dy·(lanes of Σ (q − 16)·y) for one Q5_0 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> BlockQ5_0(byte* w, byte* x, Vector256<float> acc)
    {
        Vector256<sbyte> y = Vector256.Load((sbyte*)(x + 2));
        Vector256<byte> q = LegacyQuantDequant.Nibbles(w + 6) | SimdWiden.BitsToHigh16(Unsafe.ReadUnaligned<uint>(w + 2));
        Vector256<int> s = OffsetSum(q, y, Vector256.Create((byte)16));
        return Scale(s, HalfScale.Read(w) * HalfScale.Read(x), acc);
    }

    /// <summary>Eight int32 lanes summing to Σ w·y (sign trick: |w| as u8 times y with w's sign).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SignedSum(Vector256<sbyte> w, Vector256<sbyte> y) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(w), Avx2.Sign(y, w)), Vector256.Create((short)1));

    /// <summary>Eight int32 lanes summing to Σ (q − offset)·y for unsigned q ≤ 31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> OffsetSum(Vector256<byte> q, Vector256<sbyte> y, Vector256<byte> offset)
    {
        Vector256<short> p = Avx2.MultiplyAddAdjacent(q, y) - Avx2.MultiplyAddAdjacent(offset, y);
        return Avx2.MultiplyAddAdjacent(p, Vector256.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Scale(Vector256<int> s, float d, Vector256<float> acc) =>
        Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(s), Vector256.Create(d), acc);
}
