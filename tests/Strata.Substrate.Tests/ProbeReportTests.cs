// ProbeReportTests: the report's JSON carries the documented snake_case keys and the clock's time; text is readable.
using System.Text.Json;
using Strata.Substrate;
using Xunit;

namespace Strata.Substrate.Tests;

public sealed class ProbeReportTests
{
    private static readonly DateTimeOffset FixedTime = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);

    [Fact]
    public void ToJson_WithBandwidth_HasSnakeCaseKeys()
    {
        ProbeReport report = ProbeReport.Collect(new FixedClock(FixedTime), measureBandwidth: false, threads: 1)
            with
        { Bandwidth = new BandwidthResult(12.5, 20.25, 2, 1 << 20), Compute = new ComputeResult(40.5, 80.25, 2, 256) };

        using JsonDocument doc = JsonDocument.Parse(report.ToJson());
        JsonElement root = doc.RootElement;
        foreach (string key in new[] { "utc_time", "strata_version", "os", "dotnet_version", "cpu", "memory", "bandwidth" })
        {
            Assert.True(root.TryGetProperty(key, out _), $"expected key '{key}'");
        }

        JsonElement cpu = root.GetProperty("cpu");
        Assert.Equal(report.Cpu.ModelName, cpu.GetProperty("model_name").GetString());
        Assert.Equal(report.Cpu.LogicalCores, cpu.GetProperty("logical_cores").GetInt32());
        Assert.Equal(JsonValueKind.Array, cpu.GetProperty("isa_flags").ValueKind);
        Assert.Equal(report.Cpu.IsaFlags, cpu.GetProperty("isa_flags").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(JsonValueKind.Array, cpu.GetProperty("cpuid_flags").ValueKind);
        Assert.True(cpu.TryGetProperty("l1d_bytes", out _));
        Assert.True(cpu.TryGetProperty("l3_bytes", out _));

        JsonElement memory = root.GetProperty("memory");
        Assert.Equal(report.Memory.TotalBytes, memory.GetProperty("total_bytes").GetInt64());
        Assert.Equal(report.StrataVersion, root.GetProperty("strata_version").GetString());
        Assert.True(memory.TryGetProperty("available_bytes", out _));
        Assert.True(memory.TryGetProperty("working_set_bytes", out _));

        JsonElement bandwidth = root.GetProperty("bandwidth");
        Assert.Equal(12.5, bandwidth.GetProperty("single_thread_gbps").GetDouble());
        Assert.Equal(20.25, bandwidth.GetProperty("multi_thread_gbps").GetDouble());
        Assert.Equal(2, bandwidth.GetProperty("threads").GetInt32());
        Assert.Equal(1 << 20, bandwidth.GetProperty("buffer_bytes").GetInt64());

        JsonElement compute = root.GetProperty("compute");
        Assert.Equal(40.5, compute.GetProperty("single_thread_gmacs").GetDouble());
        Assert.Equal(80.25, compute.GetProperty("multi_thread_gmacs").GetDouble());
        Assert.Equal(2, compute.GetProperty("threads").GetInt32());
        Assert.Equal(256, compute.GetProperty("vector_bits").GetInt32());
    }

    [Fact]
    public void Collect_FakeClock_TimeAppearsInReport()
    {
        ProbeReport report = ProbeReport.Collect(new FixedClock(FixedTime), measureBandwidth: false, threads: 1);
        Assert.Equal(FixedTime, report.UtcTime);

        using JsonDocument doc = JsonDocument.Parse(report.ToJson());
        Assert.Equal(FixedTime, doc.RootElement.GetProperty("utc_time").GetDateTimeOffset());
        Assert.Contains("2025-03-14 15:09:26Z", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_WithoutBandwidth_BandwidthNull()
    {
        ProbeReport report = ProbeReport.Collect(new FixedClock(FixedTime), measureBandwidth: false, threads: 1);
        Assert.Null(report.Bandwidth);
        using JsonDocument doc = JsonDocument.Parse(report.ToJson());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("bandwidth").ValueKind);
        Assert.Null(report.Compute);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("compute").ValueKind);
        Assert.Contains("not measured", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_Always_FillsVersions()
    {
        ProbeReport report = ProbeReport.Collect(TimeProvider.System, measureBandwidth: false, threads: 1);
        Assert.StartsWith("0.1.0", report.StrataVersion, StringComparison.Ordinal);
        Assert.Contains(".NET", report.DotnetVersion, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(report.Os));
    }

    [Fact]
    public void ToText_WithBandwidth_AlignedLabelledLines()
    {
        ProbeReport report = ProbeReport.Collect(new FixedClock(FixedTime), measureBandwidth: false, threads: 1)
            with
        { Bandwidth = new BandwidthResult(26.64, 54.61, 2, 256L << 20), Compute = new ComputeResult(46.56, 92.04, 2, 512) };
        string[] lines = report.ToText().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains(lines, l => l.StartsWith("cpu       ", StringComparison.Ordinal)
            && l.Contains($"({report.Cpu.LogicalCores} logical cores", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("isa       ", StringComparison.Ordinal));
        Assert.Contains("bandwidth 26.6 GB/s (1 thread), 54.6 GB/s (2 threads)", lines.Single(l => l.StartsWith("bandwidth", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal("compute   46.6 GMAC/s f32 FMA (1 thread), 92.0 GMAC/s (2 threads), 512-bit vectors", lines.Single(l => l.StartsWith("compute", StringComparison.Ordinal)));
        Assert.All(lines, l => Assert.True(l[9] == ' ' && l[10] != ' ', $"expected values to start at column 10, found '{l}'"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProbeReport.Collect(TimeProvider.System, false, 0));
    }

    /// <summary>A clock frozen at one instant.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
