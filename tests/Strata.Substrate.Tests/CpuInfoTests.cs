// CpuInfoTests: the detected ISA flags agree with what the runtime says it supports.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed class CpuInfoTests
{
    private static readonly CpuInfo Cpu = CpuInfo.Detect();

    [Fact]
    public void Detect_Avx2_MatchesAvx2IsSupported()
    {
        Assert.Equal(Avx2.IsSupported, Cpu.IsaFlags.Contains("avx2"));
    }

    [Fact]
    public void Detect_Avx512F_ListedIffAvx512FIsSupported()
    {
        Assert.Equal(Avx512F.IsSupported, Cpu.IsaFlags.Contains("avx512f"));
        Assert.Equal(Avx512F.VL.IsSupported, Cpu.IsaFlags.Contains("avx512vl"));
    }

    [Fact]
    public void Detect_Vector512_MatchesIsHardwareAccelerated()
    {
        Assert.Equal(Vector512.IsHardwareAccelerated, Cpu.IsaFlags.Contains("vector512"));
        Assert.Equal(Vector256.IsHardwareAccelerated, Cpu.IsaFlags.Contains("vector256"));
    }

    [Fact]
    public void Detect_Always_ReportsNameCoresAndArchitecture()
    {
        Assert.False(string.IsNullOrWhiteSpace(Cpu.ModelName));
        Assert.Equal(Environment.ProcessorCount, Cpu.LogicalCores);
        Assert.False(string.IsNullOrWhiteSpace(Cpu.Architecture));
    }

    [Fact]
    public void Detect_CacheSizes_PositiveWhenKnown()
    {
        Assert.All(new[] { Cpu.L1dBytes, Cpu.L2Bytes, Cpu.L3Bytes }, size => Assert.True(size is null or > 0));
    }

    [Fact]
    public void Detect_CpuidFlags_DisjointFromIsaFlags()
    {
        Assert.Empty(Cpu.CpuidFlags.Intersect(Cpu.IsaFlags));
        if (!X86Base.IsSupported)
        {
            Assert.Empty(Cpu.CpuidFlags);
        }
    }

    [Fact]
    public void Detect_F16c_MatchesCpuidLeaf1Bit29()
    {
        bool expected = X86Base.IsSupported && (X86Base.CpuId(1, 0).Ecx & (1 << 29)) != 0;
        Assert.Equal(expected, Cpu.Has("f16c"));
    }

    [Theory]
    [InlineData("32K", 32L << 10)]
    [InlineData("1024K", 1L << 20)]
    [InlineData("32M", 32L << 20)]
    [InlineData("512", 512L)]
    [InlineData("", null)]
    [InlineData("abcK", null)]
    public void ParseCacheSize_SysfsText_Bytes(string text, long? expected)
    {
        Assert.Equal(expected, CpuInfo.ParseCacheSize(text));
    }
}
