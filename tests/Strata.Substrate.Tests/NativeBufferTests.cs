// Native buffers: 64-byte alignment, zeroing, and the huge-page placement of large streamed buffers on Linux.
namespace Strata.Substrate.Tests;

public sealed unsafe class NativeBufferTests
{
    [Theory]
    [InlineData(100, false)]
    [InlineData(3 << 20, false)]
    [InlineData(100, true)]              // under 2 MiB: an ordinary allocation
    [InlineData((5 << 20) + 123, true)] // not a whole number of pages
    public void Buffer_IsAlignedZeroedAndWritable(long bytes, bool hugePages)
    {
        using var buffer = new NativeBuffer(bytes, zeroed: true, hugePages);
        Assert.Equal(bytes, buffer.Bytes);
        Assert.Equal(0, buffer.Address % 64);
        var span = new Span<byte>((void*)buffer.Address, (int)bytes);
        Assert.True(span.IndexOfAnyExcept((byte)0) < 0, "reads as zeros");
        span.Fill(0xA5);
        Assert.Equal(0xA5, span[^1]);
    }

    [Fact]
    public void HugePages_OnLinux_StartOnA2MiBBoundaryAndBackTheWholeHugeRanges()
    {
        const long bytes = (8L << 20) + 4096;
        using var buffer = new NativeBuffer(bytes, zeroed: false, hugePages: true);
        new Span<byte>((void*)buffer.Address, (int)bytes).Fill(1);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Assert.Equal(0, buffer.Address % (2 << 20));

        // Where the system grants transparent huge pages on request, the four whole 2 MiB ranges are huge pages.
        string mode = File.Exists("/sys/kernel/mm/transparent_hugepage/enabled") ? File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled") : "";
        if (mode.Contains("[never]", StringComparison.Ordinal) || mode.Length == 0)
        {
            return;
        }

        long huge = AnonHugeKiB(buffer.Address);
        Assert.True(huge is 0 or 8192, $"{huge} KiB of huge pages in the buffer's mapping"); // 0 where none were free
    }

    // AnonHugePages of the mapping that holds address, from /proc/self/smaps.
    private static long AnonHugeKiB(nint address)
    {
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && long.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out long start)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out long end))
            {
                inside = address >= start && address < end;
                continue;
            }

            if (inside && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(14).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
