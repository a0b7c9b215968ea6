// Element-wise and reduction ops on f32 vectors (RMSNorm, softmax, SwiGLU, add, argmax), SIMD with scalar fallback.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>Element-wise and reduction ops on f32.</summary>
public static unsafe class VectorOps
{
    /// <summary>y = x · weight / sqrt(mean(x²) + eps).</summary>
    /// <remarks>As ggml: squares in f32 summed in double, scale = 1/sqrtf(mean + eps) in f32, y = (x·scale)·weight.</remarks>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        int n = x.Length;
        if (weight.Length != n || y.Length != n)
        {
            throw new ArgumentException($"RmsNorm lengths differ: x {n}, weight {weight.Length}, y {y.Length}.", nameof(x));
        }

        if (n == 0)
        {
            return;
        }

        fixed (float* px = x)
        fixed (float* pw = weight)
        fixed (float* py = y)
        {
            int i = 0;
            double sum = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<double> acc = Vector256<double>.Zero;
                for (; i + 8 <= n; i += 8)
                {
                    Vector256<float> v = Vector256.Load(px + i);
                    Vector256<float> sq = v * v;
                    acc += Vector256.WidenLower(sq) + Vector256.WidenUpper(sq);
                }

                sum = Vector256.Sum(acc);
            }

            for (; i < n; i++)
            {
                sum += (double)(px[i] * px[i]);
            }

            float mean = (float)(sum / n);
            float scale = 1.0f / MathF.Sqrt(mean + eps);
            i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> s = Vector256.Create(scale);
                for (; i + 8 <= n; i += 8)
                {
                    (Vector256.Load(px + i) * s * Vector256.Load(pw + i)).Store(py + i);
                }
            }

            for (; i < n; i++)
            {
                py[i] = px[i] * scale * pw[i];
            }
        }
    }

    /// <summary>In-place softmax.</summary>
    /// <remarks>Subtracts the max, exponentiates with MathF.Exp, sums in double and scales by the f32 reciprocal.</remarks>
    public static void Softmax(Span<float> x)
    {
        if (x.IsEmpty)
        {
            return;
        }

        fixed (float* p = x)
        {
            SoftmaxCore(p, x.Length);
        }
    }

    /// <summary>y = silu(gate) · up, silu(g) = g / (1 + exp(−g)).</summary>
    /// <remarks>
    /// Every element takes the same arithmetic wherever it sits: the runner calls this on a batch's rows as one span, so a
    /// scalar tail would give the last (rows · width) mod 16 elements MathF.Exp's rounding instead of Exp512's and make a
    /// row's result depend on the rows batched before it (stories260K's width 172 did).
    /// </remarks>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y)
    {
        if (up.Length != gate.Length || y.Length != gate.Length)
        {
            throw new ArgumentException(
                $"SwiGlu lengths differ: gate {gate.Length}, up {up.Length}, y {y.Length}.", nameof(gate));
        }

        int i = 0;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            fixed (float* pg = gate)
            fixed (float* pu = up)
            fixed (float* py = y)
            {
                for (; i + 16 <= gate.Length; i += 16)
                {
                    Vector512<float> g = Vector512.Load(pg + i);
                    (g / (Vector512<float>.One + Exp512(-g)) * Vector512.Load(pu + i)).Store(py + i);
                }

                if (i < gate.Length)
                {
                    // The tail through the same lanes (zero-padded), not MathF.Exp: see the remarks.
                    int rest = gate.Length - i;
                    float* tail = stackalloc float[32];
                    new Span<float>(tail, 32).Clear();
                    gate[i..].CopyTo(new Span<float>(tail, rest));
                    up[i..].CopyTo(new Span<float>(tail + 16, rest));
                    Vector512<float> g = Vector512.Load(tail);
                    (g / (Vector512<float>.One + Exp512(-g)) * Vector512.Load(tail + 16)).Store(tail);
                    new ReadOnlySpan<float>(tail, rest).CopyTo(y[i..]);
                    i = gate.Length;
                }
            }
        }

        for (; i < gate.Length; i++)
        {
            float g = gate[i];
            y[i] = g / (1.0f + MathF.Exp(-g)) * up[i];
        }
    }

    /// <summary>
    /// e^x for 16 lanes (Cephes expf: Cody–Waite reduction by ln 2, degree-6 polynomial, exponent by integer add), within
    /// 2 ulp of MathF.Exp for x in [−87.3, 88.7]; inputs outside are clamped there (results ~1e−38 and ~3e38).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp512(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.3365447f)), Vector512.Create(88.7228391f));
        Vector512<float> n = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        Vector512<float> p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;

        // 2^n for n in [−126, 128]: n = 128 (x near the top) is built as 2^127 · 2.
        Vector512<int> ni = Vector512.ConvertToInt32(n);
        Vector512<int> half = Vector512.ShiftRightArithmetic(ni, 1);
        Vector512<float> s1 = Vector512.ShiftLeft(half + Vector512.Create(127), 23).AsSingle();
        Vector512<float> s2 = Vector512.ShiftLeft(ni - half + Vector512.Create(127), 23).AsSingle();
        return p * s1 * s2;
    }

    /// <summary>
    /// e^x for 8 lanes: <see cref="Exp512"/>'s arithmetic lane for lane (the same bits on AVX2 and AVX-512 machines for every
    /// input but NaN), with the native min/max and conversion (the clamp keeps n in range, so they agree).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Exp256(Vector256<float> x)
    {
        x = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(-87.3365447f)), Vector256.Create(88.7228391f));
        Vector256<float> n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        Vector256<float> p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        Vector256<int> ni = Vector256.ConvertToInt32Native(n);
        Vector256<int> half = Vector256.ShiftRightArithmetic(ni, 1);
        Vector256<float> s1 = Vector256.ShiftLeft(half + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(ni - half + Vector256.Create(127), 23).AsSingle();
        return p * s1 * s2;
    }

    /// <summary>y += x.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(Span<float> y, ReadOnlySpan<float> x)
    {
        int n = y.Length;
        if (x.Length != n)
        {
            throw new ArgumentException($"Add lengths differ: y {n}, x {x.Length}.", nameof(x));
        }

        fixed (float* py = y)
        fixed (float* px = x)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= n; i += 16)
                {
                    (Vector512.Load(py + i) + Vector512.Load(px + i)).Store(py + i);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= n; i += 8)
                {
                    (Vector256.Load(py + i) + Vector256.Load(px + i)).Store(py + i);
                }
            }

            for (; i < n; i++)
            {
                py[i] += px[i];
            }
        }
    }

    /// <summary>Index of the largest element (first on ties).</summary>
    /// <remarks>NaN elements are never chosen; returns −1 for an empty span or one that is all NaN.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = -1;
        float max = float.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            if (v > max || (best < 0 && v == max))
            {
                max = v;
                best = i;
            }
        }

        return best;
    }

    /// <summary>Softmax of n floats at p, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftmaxCore(float* p, int n)
    {
        float max = float.NegativeInfinity;
        int k = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            // The maximum is exact in any order; a ±0 tie may give either zero, which p[i] − max and exp() do not tell apart.
            Vector512<float> mv = Vector512.Create(float.NegativeInfinity);
            for (; k + 16 <= n; k += 16)
            {
                mv = Vector512.Max(mv, Vector512.Load(p + k));
            }

            for (int l = 0; l < 16; l++)
            {
                max = MathF.Max(max, mv.GetElement(l));
            }
        }

        for (; k < n; k++)
        {
            max = MathF.Max(max, p[k]);
        }

        double sum = 0;
        int i0 = 0;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            Vector512<float> m = Vector512.Create(max);
            Vector512<double> acc = Vector512<double>.Zero;
            for (; i0 + 16 <= n; i0 += 16)
            {
                Vector512<float> e = Exp512(Vector512.Load(p + i0) - m);
                e.Store(p + i0);
                acc += Vector512.WidenLower(e) + Vector512.WidenUpper(e);
            }

            sum = Vector512.Sum(acc);
        }

        for (int i = i0; i < n; i++)
        {
            float e = MathF.Exp(p[i] - max);
            p[i] = e;
            sum += e;
        }

        float inv = (float)(1.0 / sum);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(inv);
            for (; j + 8 <= n; j += 8)
            {
                (Vector256.Load(p + j) * s).Store(p + j);
            }
        }

        for (; j < n; j++)
        {
            p[j] *= inv;
        }
    }
}
