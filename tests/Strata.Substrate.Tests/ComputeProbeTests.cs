// ComputeProbeTests: the probe returns sane rates, reports its vector width, and its chains stay finite and near one.
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed class ComputeProbeTests
{
    [Fact]
    public void Measure_ShortRun_PositiveFiniteRatesAndWidth()
    {
        ComputeResult result = ComputeProbe.Measure(threads: 2, iterations: 200_000, repetitions: 2);
        Assert.True(double.IsFinite(result.SingleThreadGmacs) && result.SingleThreadGmacs > 0, $"found {result.SingleThreadGmacs}");
        Assert.True(double.IsFinite(result.MultiThreadGmacs) && result.MultiThreadGmacs > 0, $"found {result.MultiThreadGmacs}");
        Assert.Equal(2, result.Threads);
        Assert.Equal(ComputeProbe.Lanes * 32, result.VectorBits);
        Assert.True(result.VectorBits is 32 or 256 or 512, $"found {result.VectorBits}");
    }

    [Fact]
    public void Measure_InvalidArguments_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ComputeProbe.Measure(threads: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ComputeProbe.Measure(threads: 1, iterations: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ComputeProbe.Measure(threads: 1, iterations: 10, repetitions: 0));
    }

    [Fact]
    public void Chain_ManySteps_StaysNearOnePerLane()
    {
        // a ← a·(1 − 1e-7) + 1e-7 has its fixed point at 1: twelve chains of Lanes lanes each sum to 12·Lanes.
        float sum = ComputeProbe.Chain(100_000);
        Assert.InRange(sum, 12 * ComputeProbe.Lanes * 0.999f, 12 * ComputeProbe.Lanes * 1.001f);
    }
}
