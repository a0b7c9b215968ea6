// Vector512/Vector256 Q8_0 and Q8_K activation quantization, byte-identical to ActivationQuant's scalar code.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Same float operations as the scalar loops, in lanes: Q8_0 rounds v·id to nearest even with vcvtps2dq; Q8_K adds
/// ggml's 1.5·2²³ to iscale·v as nearest_int does and takes the first element of largest magnitude as the block max.
/// </summary>
internal static unsafe class ActivationQuantSimd
{
    private const float Magic = 12582912f;

    /// <summary>Q8_0 blocks of a row (AVX-512).</summary>
    public static void Q80_512(float* x, byte* y, int cols)
    {
        for (int b = 0; b < cols / 32; b++, x += 32, y += 34)
        {
            Vector512<float> v0 = Vector512.Load(x);
            Vector512<float> v1 = Vector512.Load(x + 16);
            Vector512<float> m = Vector512.Max(Vector512.Abs(v0), Vector512.Abs(v1));
            Vector256<float> m8 = Vector256.Max(m.GetLower(), m.GetUpper());
            float max = HMax(Vector128.Max(m8.GetLower(), m8.GetUpper()));
            float id = Header80(max, y);
            Vector512<float> s = Vector512.Create(id);
            Avx512F.ConvertToVector128SByte(Avx512F.ConvertToVector512Int32(v0 * s)).Store((sbyte*)(y + 2));
            Avx512F.ConvertToVector128SByte(Avx512F.ConvertToVector512Int32(v1 * s)).Store((sbyte*)(y + 18));
        }
    }

    /// <summary>Q8_0 blocks of a row (AVX2).</summary>
    public static void Q80_256(float* x, byte* y, int cols)
    {
        for (int b = 0; b < cols / 32; b++, x += 32, y += 34)
        {
            Vector256<float> v0 = Vector256.Load(x), v1 = Vector256.Load(x + 8), v2 = Vector256.Load(x + 16), v3 = Vector256.Load(x + 24);
            Vector256<float> m = Vector256.Max(Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
            float max = HMax(Vector128.Max(m.GetLower(), m.GetUpper()));
            Vector256<float> s = Vector256.Create(Header80(max, y));
            Vector256<short> lo = Vector256.Narrow(Avx.ConvertToVector256Int32(v0 * s), Avx.ConvertToVector256Int32(v1 * s));
            Vector256<short> hi = Vector256.Narrow(Avx.ConvertToVector256Int32(v2 * s), Avx.ConvertToVector256Int32(v3 * s));
            Vector256.Narrow(lo, hi).Store((sbyte*)(y + 2));
        }
    }

    /// <summary>Q8_K blocks of a row (AVX-512).</summary>
    public static void Q8K_512(float* x, byte* y, int cols)
    {
        for (int b = 0; b < cols / 256; b++, x += 256, y += ActivationQuant.Q8KBlockBytes)
        {
            Vector512<float> m = Vector512.Abs(Vector512.Load(x));
            for (int i = 16; i < 256; i += 16)
            {
                m = Vector512.Max(m, Vector512.Abs(Vector512.Load(x + i)));
            }

            Vector256<float> m8 = Vector256.Max(m.GetLower(), m.GetUpper());
            float amax = HMax(Vector128.Max(m8.GetLower(), m8.GetUpper()));
            if (amax == 0)
            {
                new Span<byte>(y, ActivationQuant.Q8KBlockBytes).Clear();
                continue;
            }

            float iscale = -127f / FirstOfMagnitude(x, amax);
            Vector512<float> s = Vector512.Create(iscale);
            for (int i = 0; i < 256; i += 16)
            {
                Vector512<int> q = NearestInt(s * Vector512.Load(x + i));
                q = Vector512.Min(q, Vector512.Create(127));
                Avx512F.ConvertToVector128SByte(q).Store((sbyte*)(y + 4 + i));
                ((short*)(y + 260))[i / 16] = (short)Vector512.Sum(q);
            }

            *(float*)y = 1 / iscale;
        }
    }

    /// <summary>Q8_K blocks of a row (AVX2).</summary>
    public static void Q8K_256(float* x, byte* y, int cols)
    {
        for (int b = 0; b < cols / 256; b++, x += 256, y += ActivationQuant.Q8KBlockBytes)
        {
            Vector256<float> m = Vector256.Abs(Vector256.Load(x));
            for (int i = 8; i < 256; i += 8)
            {
                m = Vector256.Max(m, Vector256.Abs(Vector256.Load(x + i)));
            }

            float amax = HMax(Vector128.Max(m.GetLower(), m.GetUpper()));
            if (amax == 0)
            {
                new Span<byte>(y, ActivationQuant.Q8KBlockBytes).Clear();
                continue;
            }

            float iscale = -127f / FirstOfMagnitude(x, amax);
            Vector256<float> s = Vector256.Create(iscale);
            Vector256<int> cap = Vector256.Create(127);
            for (int i = 0; i < 256; i += 16)
            {
                Vector256<int> q0 = Vector256.Min(NearestInt(s * Vector256.Load(x + i)), cap);
                Vector256<int> q1 = Vector256.Min(NearestInt(s * Vector256.Load(x + i + 8)), cap);
                Vector128<short> w = Vector128.Narrow(q0.GetLower(), q0.GetUpper());
                Vector128<short> v = Vector128.Narrow(q1.GetLower(), q1.GetUpper());
                Vector128.Narrow(w, v).Store((sbyte*)(y + 4 + i));
                ((short*)(y + 260))[i / 16] = (short)Vector256.Sum(q0 + q1);
            }

            *(float*)y = 1 / iscale;
        }
    }

    /// <summary>Writes d = max/127 as f16 and returns id = 127/max (0 for an all-zero block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Header80(float max, byte* y)
    {
        float d = max / 127f;
        *(ushort*)y = BitConverter.HalfToUInt16Bits((Half)d);
        return max != 0 ? 127f / max : 0f;
    }

    /// <summary>The first of the 256 values whose magnitude equals amax (the scalar loop's strict "&gt;" keeps the first).</summary>
    private static float FirstOfMagnitude(float* x, float amax)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256.Create(amax);
            for (int i = 0; i < 256; i += 8)
            {
                uint hits = Vector256.Equals(Vector256.Abs(Vector256.Load(x + i)), a).ExtractMostSignificantBits();
                if (hits != 0)
                {
                    return x[i + BitOperations.TrailingZeroCount(hits)];
                }
            }
        }

        for (int i = 0; i < 256; i++)
        {
            if (MathF.Abs(x[i]) == amax)
            {
                return x[i];
            }
        }

        return amax;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HMax(Vector128<float> v)
    {
        v = Vector128.Max(v, Vector128.Shuffle(v, Vector128.Create(2, 3, 0, 1)));
        v = Vector128.Max(v, Vector128.Shuffle(v, Vector128.Create(1, 0, 3, 2)));
        return v.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> NearestInt(Vector512<float> v) =>
        ((v + Vector512.Create(Magic)).AsInt32() & Vector512.Create(0x007FFFFF)) - Vector512.Create(0x00400000);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> NearestInt(Vector256<float> v) =>
        ((v + Vector256.Create(Magic)).AsInt32() & Vector256.Create(0x007FFFFF)) - Vector256.Create(0x00400000);
}
