// BandwidthProbeTests: the probe returns sane numbers on a small buffer and its sum kernel is exact.
using System.Runtime.InteropServices;
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed class BandwidthProbeTests
{
    [Fact]
    public void Measure_SmallBuffer_PositiveFiniteNumbers()
    {
        BandwidthResult result = BandwidthProbe.Measure(threads: 2, bufferBytes: 8L << 20, repetitions: 2);
        Assert.True(double.IsFinite(result.SingleThreadGBps) && result.SingleThreadGBps > 0, $"found {result.SingleThreadGBps}");
        Assert.True(double.IsFinite(result.MultiThreadGBps) && result.MultiThreadGBps > 0, $"found {result.MultiThreadGBps}");
        Assert.Equal(2, result.Threads);
        Assert.Equal(8L << 20, result.BufferBytes);
    }

    [Fact]
    public void Measure_UnevenSplit_StillMeasures()
    {
        BandwidthResult result = BandwidthProbe.Measure(threads: 3, bufferBytes: (1L << 20) + 4100, repetitions: 1);
        Assert.True(result.MultiThreadGBps > 0);
    }

    [Fact]
    public void Measure_InvalidArguments_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BandwidthProbe.Measure(threads: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BandwidthProbe.Measure(threads: 1, bufferBytes: 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => BandwidthProbe.Measure(threads: 1, bufferBytes: 1 << 20, repetitions: 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(4099)]
    public unsafe void Sum_AnyLength_MatchesScalarSum(int lengthBytes)
    {
        byte[] data = new byte[lengthBytes];
        new Random(lengthBytes).NextBytes(data);
        ulong expected = 0;
        int words = lengthBytes / sizeof(ulong);
        ReadOnlySpan<ulong> asWords = MemoryMarshal.Cast<byte, ulong>(data.AsSpan(0, words * sizeof(ulong)));
        foreach (ulong w in asWords)
        {
            expected += w;
        }

        for (int b = words * sizeof(ulong); b < lengthBytes; b++)
        {
            expected += data[b];
        }

        fixed (byte* p = data)
        {
            Assert.Equal(expected, BandwidthProbe.Sum(p, lengthBytes));
        }
    }
}
