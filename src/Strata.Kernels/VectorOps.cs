// Element-wise and reduction ops on f32 vectors (RMSNorm, softmax, SwiGLU, add, argmax), SIMD with scalar fallback.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y)
    {
        if (up.Length != gate.Length || y.Length != gate.Length)
        {
            throw new ArgumentException(
                $"SwiGlu lengths differ: gate {gate.Length}, up {up.Length}, y {y.Length}.", nameof(gate));
        }

        for (int i = 0; i < gate.Length; i++)
        {
            float g = gate[i];
            y[i] = g / (1.0f + MathF.Exp(-g)) * up[i];
        }
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
        for (int i = 0; i < n; i++)
        {
            max = MathF.Max(max, p[i]);
        }

        double sum = 0;
        for (int i = 0; i < n; i++)
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
