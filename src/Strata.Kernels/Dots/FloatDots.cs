// SIMD f32 primitives (dot, 4-row dot, axpy) and f16/bf16 → f32 widening, with Vector512/Vector256/scalar paths.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>Pointer-based f32 kernels shared by QuantizedRows, MatMul and Attention.</summary>
internal static unsafe class FloatDots
{
    /// <summary>Σ a[i]·b[i] in f32 with FMA lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0;
            for (; i + 32 <= n; i += 32)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 16), Vector512.Load(b + i + 16), s1);
            }

            for (; i + 16 <= n; i += 16)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), s0);
            }

            sum = Reduce512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0;
            for (; i + 16 <= n; i += 16)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), s1);
            }

            for (; i + 8 <= n; i += 8)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
            }

            sum = Vector256.Sum(s0 + s1);
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>
    /// r[t] += Σ_k w[t·stride + k] · x[k] for the four rows t = 0..3 with the same x: the vector chains' sums are added to
    /// r, then each scalar tail product, exactly as one activation row of <see cref="FloatTile4.Dot4x4"/> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4Add(float* w, nint stride, float* x, int n, float* r)
    {
        float* w0 = w, w1 = w + stride, w2 = w + (2 * stride), w3 = w + (3 * stride);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> xv = Vector512.Load(x + i);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(w0 + i), xv, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(w1 + i), xv, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(w2 + i), xv, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(w3 + i), xv, s3);
            }

            r[0] += Reduce512.Sum(s0);
            r[1] += Reduce512.Sum(s1);
            r[2] += Reduce512.Sum(s2);
            r[3] += Reduce512.Sum(s3);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> xv = Vector256.Load(x + i);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(w0 + i), xv, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + i), xv, s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + i), xv, s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + i), xv, s3);
            }

            r[0] += Vector256.Sum(s0);
            r[1] += Vector256.Sum(s1);
            r[2] += Vector256.Sum(s2);
            r[3] += Vector256.Sum(s3);
        }

        for (; i < n; i++)
        {
            float xv = x[i];
            r[0] += w0[i] * xv;
            r[1] += w1[i] * xv;
            r[2] += w2[i] * xv;
            r[3] += w3[i] * xv;
        }
    }

    /// <summary>y[i] += a·x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy(float a, float* x, float* y, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> av = Vector512.Create(a);
            for (; i + 16 <= n; i += 16)
            {
                Vector512.FusedMultiplyAdd(av, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> av = Vector256.Create(a);
            for (; i + 8 <= n; i += 8)
            {
                Vector256.FusedMultiplyAdd(av, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
            }
        }

        for (; i < n; i++)
        {
            y[i] += a * x[i];
        }
    }

    /// <summary>Exact IEEE half → single for 8 values held in the low 16 bits of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HalfToSingle(Vector256<uint> h)
    {
        Vector256<uint> sign = Vector256.ShiftLeft(h & Vector256.Create(0x8000u), 16);
        Vector256<uint> mag = h & Vector256.Create(0x7FFFu);
        Vector256<uint> bits = Vector256.ShiftLeft(mag, 13);
        // Multiplying by 2^112 rebiases the exponent and normalises subnormals exactly.
        Vector256<float> f = bits.AsSingle() * Vector256.Create(BitConverter.UInt32BitsToSingle(0x77800000u));
        Vector256<uint> special = Vector256.GreaterThanOrEqual(mag, Vector256.Create(0x7C00u));
        Vector256<uint> r = Vector256.ConditionalSelect(special, bits | Vector256.Create(0x7F800000u), f.AsUInt32());
        return (r | sign).AsSingle();
    }

    /// <summary>Exact IEEE half → single for 16 values held in the low 16 bits of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HalfToSingle(Vector512<uint> h)
    {
        Vector512<uint> sign = Vector512.ShiftLeft(h & Vector512.Create(0x8000u), 16);
        Vector512<uint> mag = h & Vector512.Create(0x7FFFu);
        Vector512<uint> bits = Vector512.ShiftLeft(mag, 13);
        Vector512<float> f = bits.AsSingle() * Vector512.Create(BitConverter.UInt32BitsToSingle(0x77800000u));
        Vector512<uint> special = Vector512.GreaterThanOrEqual(mag, Vector512.Create(0x7C00u));
        Vector512<uint> r = Vector512.ConditionalSelect(special, bits | Vector512.Create(0x7F800000u), f.AsUInt32());
        return (r | sign).AsSingle();
    }

    /// <summary>
    /// Exact IEEE half → single for 16 values sign-extended to 32 bits (vpmovsxwd): the sign lands in bit 31 with the
    /// shift, so one mask replaces the separate sign and magnitude paths of <see cref="HalfToSingle(Vector512{uint})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HalfToSingleSigned(Vector512<int> h)
    {
        Vector512<int> bits = Vector512.ShiftLeft(h, 13) & Vector512.Create(unchecked((int)0x8FFFE000));
        Vector512<float> f = bits.AsSingle() * Vector512.Create(BitConverter.UInt32BitsToSingle(0x77800000u));
        Vector512<int> special = Vector512.Equals(h & Vector512.Create(0x7C00), Vector512.Create(0x7C00));
        return Vector512.ConditionalSelect(special.AsSingle(), (bits | Vector512.Create(0x7F800000)).AsSingle(), f);
    }

    /// <summary>16 f16 values at p, exactly, as f32 (one sign-extending load).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadHalf16(ushort* p) =>
        HalfToSingleSigned(Avx512F.ConvertToVector512Int32(Vector256.Load((short*)p)));

    /// <summary>Widens n f16 (bf16 when <paramref name="brain"/>) values to f32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen16(ushort* src, float* dst, int n, bool brain)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && !brain)
        {
            for (; i + 16 <= n; i += 16)
            {
                LoadHalf16(src + i).Store(dst + i);
            }
        }
        else if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 32 <= n; i += 32)
            {
                Vector512<ushort> v = Vector512.Load(src + i);
                Convert(Vector512.WidenLower(v), brain).Store(dst + i);
                Convert(Vector512.WidenUpper(v), brain).Store(dst + i + 16);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Vector256<ushort> v = Vector256.Load(src + i);
                Convert(Vector256.WidenLower(v), brain).Store(dst + i);
                Convert(Vector256.WidenUpper(v), brain).Store(dst + i + 8);
            }
        }

        for (; i < n; i++)
        {
            dst[i] = brain ? HalfConvert.BFloat16ToSingle(src[i]) : HalfConvert.HalfToSingle(src[i]);
        }
    }

    /// <summary>Σ widen(src[i])·x[i] for f16 (bf16 when <paramref name="brain"/>) src.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot16(ushort* src, float* x, int n, bool brain)
    {
        int i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && !brain && n >= 32)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0;
            for (; i + 32 <= n; i += 32)
            {
                s0 = Vector512.FusedMultiplyAdd(LoadHalf16(src + i), Vector512.Load(x + i), s0);
                s1 = Vector512.FusedMultiplyAdd(LoadHalf16(src + i + 16), Vector512.Load(x + i + 16), s1);
            }

            sum = Reduce512.Sum(s0 + s1);
        }
        else if (Vector512.IsHardwareAccelerated && n >= 32)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0;
            for (; i + 32 <= n; i += 32)
            {
                Vector512<ushort> v = Vector512.Load(src + i);
                s0 = Vector512.FusedMultiplyAdd(Convert(Vector512.WidenLower(v), brain), Vector512.Load(x + i), s0);
                s1 = Vector512.FusedMultiplyAdd(Convert(Vector512.WidenUpper(v), brain), Vector512.Load(x + i + 16), s1);
            }

            sum = Reduce512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0;
            for (; i + 16 <= n; i += 16)
            {
                Vector256<ushort> v = Vector256.Load(src + i);
                s0 = Vector256.FusedMultiplyAdd(Convert(Vector256.WidenLower(v), brain), Vector256.Load(x + i), s0);
                s1 = Vector256.FusedMultiplyAdd(Convert(Vector256.WidenUpper(v), brain), Vector256.Load(x + i + 8), s1);
            }

            sum = Vector256.Sum(s0 + s1);
        }

        for (; i < n; i++)
        {
            float w = brain ? HalfConvert.BFloat16ToSingle(src[i]) : HalfConvert.HalfToSingle(src[i]);
            sum += w * x[i];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Convert(Vector256<uint> h, bool brain) =>
        brain ? Vector256.ShiftLeft(h, 16).AsSingle() : HalfToSingle(h);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Convert(Vector512<uint> h, bool brain) =>
        brain ? Vector512.ShiftLeft(h, 16).AsSingle() : HalfToSingle(h);
}
