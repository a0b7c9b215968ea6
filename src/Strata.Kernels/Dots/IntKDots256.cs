// AVX2 integer dots of Q4_K/Q5_K/Q6_K weight rows with Q8_K activations (llama.cpp's AVX2 vec_dot structure).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Row · xq for one weight row and one Q8_K activation row: 32 elements per step, sub-block scales applied in
/// int16 × int16 → int32 so each super-block's lanes sum exactly to ggml's sumi; one f32 scale per super-block.
/// Requires AVX2.
/// </summary>
internal static unsafe class IntKDots256
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q4K(byte* w, byte* x, int cols)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        Vector256<float> accMin = Vector256<float>.Zero;
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        for (int b = 0; b < cols / 256; b++, w += 144, x += ActivationQuant.Q8KBlockBytes)
        {
            ulong scales = Scales(w + 4, x, out Vector256<int> mins);
            sbyte* y = (sbyte*)(x + 4);
            Vector256<int> sum = Vector256<int>.Zero;
            for (int g = 0; g < 4; g++)
            {
                Vector256<byte> q = Vector256.Load(w + 16 + (32 * g));
                Vector256<byte> hi = Vector256.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4;
                sum += Sub(q & m4, y + (64 * g), scales, 2 * g) + Sub(hi, y + (64 * g) + 32, scales, (2 * g) + 1);
            }

            float dy = *(float*)x;
            acc = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sum), Vector256.Create(dy * HalfScale.Read(w)), acc);
            accMin = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(mins), Vector256.Create(dy * HalfScale.Read(w + 2)), accMin);
        }

        return Vector256.Sum(acc) - Vector256.Sum(accMin);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q5K(byte* w, byte* x, int cols)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        Vector256<float> accMin = Vector256<float>.Zero;
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        Vector256<byte> bit4 = Vector256.Create((byte)0x10);
        for (int b = 0; b < cols / 256; b++, w += 176, x += ActivationQuant.Q8KBlockBytes)
        {
            ulong scales = Scales(w + 4, x, out Vector256<int> mins);
            Vector256<ushort> qh = Vector256.Load((ushort*)(w + 16));
            sbyte* y = (sbyte*)(x + 4);
            Vector256<int> sum = Vector256<int>.Zero;
            for (int g = 0; g < 4; g++)
            {
                // Sub-block s takes bit s of qh[l], moved to bit 4 (word shifts; the mask drops the neighbour's bits).
                Vector256<byte> h0 = Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh, 2 * g), 4).AsByte() & bit4;
                Vector256<byte> h1 = Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh, (2 * g) + 1), 4).AsByte() & bit4;
                Vector256<byte> q = Vector256.Load(w + 48 + (32 * g));
                Vector256<byte> hi = Vector256.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4;
                sum += Sub((q & m4) | h0, y + (64 * g), scales, 2 * g) + Sub(hi | h1, y + (64 * g) + 32, scales, (2 * g) + 1);
            }

            float dy = *(float*)x;
            acc = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sum), Vector256.Create(dy * HalfScale.Read(w)), acc);
            accMin = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(mins), Vector256.Create(dy * HalfScale.Read(w + 2)), accMin);
        }

        return Vector256.Sum(acc) - Vector256.Sum(accMin);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Q6K(byte* w, byte* x, int cols)
    {
        Vector256<float> acc = Vector256<float>.Zero;
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        for (int b = 0; b < cols / 256; b++, w += 210, x += ActivationQuant.Q8KBlockBytes)
        {
            // q is used unsigned (0–63); Σ sc·bsum·32 removes the offset exactly.
            sbyte* sc = (sbyte*)(w + 192);
            Vector256<short> sc16 = Avx2.ConvertToVector256Int16(Vector128.Load(sc));
            Vector256<int> offset = Avx2.MultiplyAddAdjacent(sc16, Vector256.Load((short*)(x + 260)));
            Vector256<int> sum = Vector256<int>.Zero;
            for (int h = 0; h < 2; h++)
            {
                Vector256<byte> ql0 = Vector256.Load(w + (64 * h));
                Vector256<byte> ql1 = Vector256.Load(w + (64 * h) + 32);
                Vector256<byte> qh = Vector256.Load(w + 128 + (32 * h));
                Vector256<byte> v0 = (ql0 & m4) | Vector256.ShiftLeft((qh & Vector256.Create((byte)0x03)).AsUInt16(), 4).AsByte();
                Vector256<byte> v1 = (ql1 & m4) | Vector256.ShiftLeft((qh & Vector256.Create((byte)0x0C)).AsUInt16(), 2).AsByte();
                Vector256<byte> v2 = (Vector256.ShiftRightLogical(ql0.AsUInt16(), 4).AsByte() & m4) | (qh & Vector256.Create((byte)0x30));
                Vector256<byte> v3 = (Vector256.ShiftRightLogical(ql1.AsUInt16(), 4).AsByte() & m4)
                    | Vector256.ShiftRightLogical((qh & Vector256.Create((byte)0xC0)).AsUInt16(), 2).AsByte();
                sbyte* y = (sbyte*)(x + 4 + (128 * h));
                sbyte* s = sc + (8 * h);
                sum += Six(v0, y, s[0], s[1]) + Six(v1, y + 32, s[2], s[3]) + Six(v2, y + 64, s[4], s[5]) + Six(v3, y + 96, s[6], s[7]);
            }

            sum -= offset << 5;
            acc = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sum), Vector256.Create(*(float*)x * HalfScale.Read(w + 208)), acc);
        }

        return Vector256.Sum(acc);
    }

    /// <summary>Unpacked scales (byte j = scale j); mins receives m_s·(bsum_2s + bsum_2s+1) per sub-block s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Scales(byte* s, byte* x, out Vector256<int> mins)
    {
        KQuantScales.UnpackK4(s, out ulong scales, out ulong minima);
        Vector128<byte> m = Vector128.CreateScalar(minima).AsByte();
        Vector256<short> pairs = Avx2.ConvertToVector256Int16(Sse2.UnpackLow(m, m)).AsInt16();
        mins = Avx2.MultiplyAddAdjacent(Vector256.Load((short*)(x + 260)), pairs);
        return scales;
    }

    /// <summary>32 levels against 32 activations, times scale byte s of <paramref name="scales"/>: 8 int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Sub(Vector256<byte> q, sbyte* y, ulong scales, int s) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q, Vector256.Load(y)), Vector256.Create((short)(byte)(scales >> (8 * s))));

    /// <summary>Two Q6_K sub-blocks of 16 against 32 activations with int8 scales a and b: 8 int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Six(Vector256<byte> q, sbyte* y, sbyte a, sbyte b) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(q, Vector256.Load(y)),
            Vector256.Create(Vector128.Create((short)a), Vector128.Create((short)b)));
}
