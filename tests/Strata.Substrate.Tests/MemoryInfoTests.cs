// MemoryInfoTests: memory detection yields sane figures and parses /proc/meminfo lines.
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed class MemoryInfoTests
{
    [Fact]
    public void Detect_Always_TotalPositive()
    {
        MemoryInfo memory = MemoryInfo.Detect();
        Assert.True(memory.TotalBytes > 0);
        Assert.True(memory.GcLimitBytes > 0);
        Assert.True(memory.WorkingSetBytes > 0);
        Assert.True(memory.AvailableBytes is null || (memory.AvailableBytes > 0 && memory.AvailableBytes <= memory.TotalBytes));
    }

    [Theory]
    [InlineData("MemTotal:       16318412 kB", 16318412L * 1024)]
    [InlineData("MemAvailable:   10 kB", 10240L)]
    [InlineData("HugePages_Total:       0", 0L)]
    [InlineData("MemTotal:", null)]
    [InlineData("garbage", null)]
    public void ParseKibLine_MeminfoLine_Bytes(string line, long? expected)
    {
        Assert.Equal(expected, MemoryInfo.ParseKibLine(line));
    }
}
