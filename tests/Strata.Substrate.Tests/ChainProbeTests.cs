// ChainProbeTests: the probe runs the kernel it is handed on every thread of every pass with the iteration count, and converts to GMAC/s.
using System.Runtime.InteropServices;
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed unsafe class ChainProbeTests
{
    private static long s_calls;
    private static long s_iterationsSum;

    [Fact]
    public void Gmacs_CountingKernel_RunsOncePerThreadAndPassWithTheIterations()
    {
        Interlocked.Exchange(ref s_calls, 0);
        Interlocked.Exchange(ref s_iterationsSum, 0);

        double gmacs = ChainProbe.Gmacs(&CountingKernel, macsPerIteration: 768, threads: 3, iterations: 50_000, repetitions: 2);

        Assert.Equal(3 * 2, Interlocked.Read(ref s_calls));
        Assert.Equal(3 * 2 * 50_000L, Interlocked.Read(ref s_iterationsSum));
        Assert.True(double.IsFinite(gmacs) && gmacs > 0, $"expected a positive finite rate, found {gmacs}");
    }

    [Fact]
    public void Gmacs_InvalidArguments_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ChainProbe.Gmacs(null, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChainProbe.Gmacs(&CountingKernel, 0, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChainProbe.Gmacs(&CountingKernel, 1, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChainProbe.Gmacs(&CountingKernel, 1, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChainProbe.Gmacs(&CountingKernel, 1, 1, 1, repetitions: 0));
    }

    /// <summary>A stand-in chain kernel: it only counts the call and its argument.</summary>
    [UnmanagedCallersOnly]
    private static void CountingKernel(long iterations)
    {
        Interlocked.Increment(ref s_calls);
        Interlocked.Add(ref s_iterationsSum, iterations);
    }
}
