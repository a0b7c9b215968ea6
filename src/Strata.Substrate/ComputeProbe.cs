// ComputeProbe: measures the peak rate of f32 fused multiply-adds, the bound on batched (compute-bound) matmuls.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Substrate;

/// <summary>
/// Measures how many f32 multiply-accumulates per second the cores retire at best: twelve independent chains of fused
/// multiply-adds on the widest accelerated vector, from dedicated threads, nothing read from memory. A product of many
/// activation rows against a weight matrix is bounded by this as decode of one row is bounded by
/// <see cref="BandwidthProbe"/>, so the two figures give the roofline of a batched step.
/// </summary>
public static class ComputeProbe
{
    /// <summary>Default iterations of the twelve chains per thread and repetition (about 0.1 s at 3 GHz with AVX-512).</summary>
    public const long DefaultIterations = 20_000_000;

    /// <summary>Default number of repetitions; the best one is reported.</summary>
    public const int DefaultRepetitions = 3;

    private const int Chains = 12;

    /// <summary>Measures with one thread and with <paramref name="threads"/> threads.</summary>
    /// <param name="threads">Threads for the multi-threaded measurement; one or more.</param>
    /// <param name="iterations">Loop iterations per thread and repetition; one or more.</param>
    /// <param name="repetitions">Repetitions per measurement; the fastest counts. One or more.</param>
    /// <returns>Single- and multi-threaded rates in GMAC/s (1e9 f32 multiply-accumulates per second).</returns>
    /// <exception cref="ArgumentOutOfRangeException">When an argument is below its minimum.</exception>
    public static ComputeResult Measure(int threads, long iterations = DefaultIterations, int repetitions = DefaultRepetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        int lanes = Lanes;
        double macsPerThread = (double)iterations * Chains * lanes;
        double single = macsPerThread / BestSeconds(1, iterations, repetitions) / 1e9;
        double multi = macsPerThread * threads / BestSeconds(threads, iterations, repetitions) / 1e9;
        return new ComputeResult(single, multi, threads, lanes * 32);
    }

    /// <summary>f32 lanes of the vector the kernel uses: 16 with AVX-512, 8 with AVX2, else 1.</summary>
    internal static int Lanes => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 1;

    private static double BestSeconds(int threadCount, long iterations, int repetitions)
    {
        var sinks = new float[threadCount];
        double seconds = TimedThreads.BestSeconds(threadCount, repetitions, "compute", index => sinks[index] += Chain(iterations));
        GC.KeepAlive(sinks);
        return seconds;
    }

    /// <summary>
    /// Runs the twelve chains a ← a·m + c for <paramref name="iterations"/> steps and returns their sum (so the loop is
    /// not removed). With m just below one and c small every chain stays near 1, never overflowing or going subnormal.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Chain(long iterations)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return Chain512(iterations);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            return Chain256(iterations);
        }

        float s0 = 1, s1 = 1, s2 = 1, s3 = 1, s4 = 1, s5 = 1, s6 = 1, s7 = 1, s8 = 1, s9 = 1, s10 = 1, s11 = 1;
        for (long i = 0; i < iterations; i++)
        {
            s0 = MathF.FusedMultiplyAdd(s0, 0.9999999f, 1e-7f);
            s1 = MathF.FusedMultiplyAdd(s1, 0.9999999f, 1e-7f);
            s2 = MathF.FusedMultiplyAdd(s2, 0.9999999f, 1e-7f);
            s3 = MathF.FusedMultiplyAdd(s3, 0.9999999f, 1e-7f);
            s4 = MathF.FusedMultiplyAdd(s4, 0.9999999f, 1e-7f);
            s5 = MathF.FusedMultiplyAdd(s5, 0.9999999f, 1e-7f);
            s6 = MathF.FusedMultiplyAdd(s6, 0.9999999f, 1e-7f);
            s7 = MathF.FusedMultiplyAdd(s7, 0.9999999f, 1e-7f);
            s8 = MathF.FusedMultiplyAdd(s8, 0.9999999f, 1e-7f);
            s9 = MathF.FusedMultiplyAdd(s9, 0.9999999f, 1e-7f);
            s10 = MathF.FusedMultiplyAdd(s10, 0.9999999f, 1e-7f);
            s11 = MathF.FusedMultiplyAdd(s11, 0.9999999f, 1e-7f);
        }

        return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11;
    }

    private static float Chain512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.9999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static float Chain256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
