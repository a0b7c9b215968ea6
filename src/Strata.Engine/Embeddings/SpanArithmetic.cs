// The three f32 span loops pooling needs (accumulate, scale, dot): Vector512, then Vector256, then a scalar tail.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Strata.Engine.Embeddings;

/// <summary>Element-wise f32 loops over spans; each has a scalar twin that the tests hold the vector path to.</summary>
internal static class SpanArithmetic
{
    /// <summary>accumulator[i] += x[i].</summary>
    public static void AddInPlace(Span<float> accumulator, ReadOnlySpan<float> x)
    {
        CheckLengths(accumulator.Length, x.Length);
        ref float a = ref MemoryMarshal.GetReference(accumulator);
        ref float b = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)accumulator.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                (Vector512.LoadUnsafe(ref a, i) + Vector512.LoadUnsafe(ref b, i)).StoreUnsafe(ref a, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                (Vector256.LoadUnsafe(ref a, i) + Vector256.LoadUnsafe(ref b, i)).StoreUnsafe(ref a, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref a, i) += Unsafe.Add(ref b, i);
        }
    }

    /// <summary>x[i] *= factor.</summary>
    public static void Scale(Span<float> x, float factor)
    {
        ref float a = ref MemoryMarshal.GetReference(x);
        nuint n = (nuint)x.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> f = Vector512.Create(factor);
            for (; i + 16 <= n; i += 16)
            {
                (Vector512.LoadUnsafe(ref a, i) * f).StoreUnsafe(ref a, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> f = Vector256.Create(factor);
            for (; i + 8 <= n; i += 8)
            {
                (Vector256.LoadUnsafe(ref a, i) * f).StoreUnsafe(ref a, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref a, i) *= factor;
        }
    }

    /// <summary>Σ x[i]·y[i], in f32 lanes summed at the end (the order differs from <see cref="DotScalar"/>).</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        CheckLengths(x.Length, y.Length);
        ref float a = ref MemoryMarshal.GetReference(x);
        ref float b = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length;
        nuint i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                acc += Vector512.LoadUnsafe(ref a, i) * Vector512.LoadUnsafe(ref b, i);
            }

            sum += Vector512.Sum(acc);
        }

        if (Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                acc += Vector256.LoadUnsafe(ref a, i) * Vector256.LoadUnsafe(ref b, i);
            }

            sum += Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        }

        return sum;
    }

    /// <summary>The scalar reference of <see cref="AddInPlace"/>.</summary>
    public static void AddInPlaceScalar(Span<float> accumulator, ReadOnlySpan<float> x)
    {
        CheckLengths(accumulator.Length, x.Length);
        for (int i = 0; i < accumulator.Length; i++)
        {
            accumulator[i] += x[i];
        }
    }

    /// <summary>The scalar reference of <see cref="Scale"/>.</summary>
    public static void ScaleScalar(Span<float> x, float factor)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= factor;
        }
    }

    /// <summary>The scalar reference of <see cref="Dot"/>, summed in double.</summary>
    public static double DotScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        CheckLengths(x.Length, y.Length);
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += (double)x[i] * y[i];
        }

        return sum;
    }

    private static void CheckLengths(int left, int right)
    {
        if (left != right)
        {
            throw new ArgumentException($"Span lengths differ: {left} and {right}.");
        }
    }
}
