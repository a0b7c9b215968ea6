// LayerNorm with weight and bias (BERT-family encoders): mean and variance over a row, then scale and shift.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Kernels;

/// <summary>y = (x − mean) / sqrt(var + eps) · weight + bias over one row.</summary>
/// <remarks>
/// Two passes: the mean from f32 values summed in double, then the variance of the centred values summed in double (so
/// a row with a large mean loses nothing to cancellation); the scale 1/sqrtf(var + eps) in f32. Every element takes
/// the same arithmetic wherever it sits in the row, so the result does not depend on the row's length modulo the
/// vector width.
/// </remarks>
public static unsafe class LayerNorm
{
    /// <summary>Normalizes <paramref name="x"/> into <paramref name="y"/> (which may be <paramref name="x"/>).</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps, Span<float> y)
    {
        int n = x.Length;
        if (weight.Length != n || bias.Length != n || y.Length != n)
        {
            throw new ArgumentException($"LayerNorm lengths differ: x {n}, weight {weight.Length}, bias {bias.Length}, y {y.Length}.", nameof(x));
        }

        if (n == 0)
        {
            return;
        }

        fixed (float* px = x)
        fixed (float* pw = weight)
        fixed (float* pb = bias)
        fixed (float* py = y)
        {
            float mean = (float)(Sum(px, n, 0f, square: false) / n);
            float variance = (float)(Sum(px, n, mean, square: true) / n);
            float scale = 1.0f / MathF.Sqrt(variance + eps);
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var m = Vector256.Create(mean);
                var s = Vector256.Create(scale);
                for (; i + 8 <= n; i += 8)
                {
                    (((Vector256.Load(px + i) - m) * s * Vector256.Load(pw + i)) + Vector256.Load(pb + i)).Store(py + i);
                }
            }

            for (; i < n; i++)
            {
                py[i] = ((px[i] - mean) * scale * pw[i]) + pb[i];
            }
        }
    }

    // Σ x (or Σ (x − mean)²), f32 terms summed in double.
    private static double Sum(float* x, int n, float mean, bool square)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var m = Vector256.Create(mean);
            Vector256<double> acc = Vector256<double>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> v = Vector256.Load(x + i) - m;
                Vector256<float> t = square ? v * v : v;
                acc += Vector256.WidenLower(t) + Vector256.WidenUpper(t);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            float v = x[i] - mean;
            sum += square ? (double)(v * v) : v;
        }

        return sum;
    }
}
