// ProbeReport: one snapshot of the machine (CPU, memory, bandwidth) as JSON for evidence and as text for people.
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Strata.Substrate;

/// <summary>
/// What Strata knows about the machine it runs on, collected once and written with every measurement.
/// </summary>
/// <param name="UtcTime">When the report was collected, in UTC.</param>
/// <param name="StrataVersion">Informational version of the Strata assembly, or "0.1.0" when absent.</param>
/// <param name="Os">Operating system description.</param>
/// <param name="DotnetVersion">.NET runtime description, e.g. ".NET 10.0.0".</param>
/// <param name="Cpu">Processor description.</param>
/// <param name="Memory">Memory figures.</param>
/// <param name="Bandwidth">Measured read bandwidth, or null when the measurement was skipped.</param>
/// <param name="Compute">Measured peak f32 multiply-accumulate rate, or null when the measurement was skipped.</param>
public sealed record ProbeReport(
    DateTimeOffset UtcTime,
    string StrataVersion,
    string Os,
    string DotnetVersion,
    CpuInfo Cpu,
    MemoryInfo Memory,
    BandwidthResult? Bandwidth,
    ComputeResult? Compute = null)
{
    private const string FallbackVersion = "0.1.0";
    private const int LabelWidth = 10;

    // The generated context's options, but without escaping '+' and other non-HTML-safe characters: reports are
    // files and console output, never embedded in HTML.
    private static readonly JsonTypeInfo<ProbeReport> JsonInfo = (JsonTypeInfo<ProbeReport>)new JsonSerializerOptions(
        ProbeReportJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.GetTypeInfo(typeof(ProbeReport));

    /// <summary>
    /// Collects a report about this machine.
    /// </summary>
    /// <param name="clock">Source of the report's time stamp.</param>
    /// <param name="measureBandwidth">
    /// Whether to run <see cref="BandwidthProbe"/> (a few seconds, 256 MiB) and <see cref="ComputeProbe"/> (about a second).
    /// </param>
    /// <param name="threads">Threads for the multi-threaded measurements; one or more.</param>
    /// <returns>The collected report.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="threads"/> is below one.</exception>
    public static ProbeReport Collect(TimeProvider clock, bool measureBandwidth, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        DateTimeOffset utcTime = clock.GetUtcNow().ToUniversalTime();
        string version = typeof(ProbeReport).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? FallbackVersion;
        return new ProbeReport(
            utcTime,
            version,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            CpuInfo.Detect(),
            MemoryInfo.Detect(),
            measureBandwidth ? BandwidthProbe.Measure(threads) : null,
            measureBandwidth ? ComputeProbe.Measure(threads) : null);
    }

    /// <summary>
    /// Writes the report as indented JSON with snake_case property names.
    /// </summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonInfo);

    /// <summary>
    /// Writes the report as aligned, human-readable lines.
    /// </summary>
    /// <returns>The text, one fact per line.</returns>
    public string ToText()
    {
        var text = new StringBuilder();
        void Line(string label, string value) =>
            text.Append(label.PadRight(LabelWidth)).Append(value).Append('\n');

        Line("time", UtcTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Line("strata", StrataVersion);
        Line("os", Os);
        Line("dotnet", DotnetVersion);
        Line("cpu", $"{Cpu.ModelName} ({Cpu.LogicalCores} logical cores, {Cpu.Architecture})");
        Line("cache", $"L1d {FormatBytes(Cpu.L1dBytes)}, L2 {FormatBytes(Cpu.L2Bytes)}, L3 {FormatBytes(Cpu.L3Bytes)}");
        Line("isa", Cpu.IsaFlags.Count > 0 ? string.Join(' ', Cpu.IsaFlags) : "(none)");
        Line("cpuid", Cpu.CpuidFlags.Count > 0 ? string.Join(' ', Cpu.CpuidFlags) : "(none)");
        Line("memory", $"{FormatBytes(Memory.TotalBytes)} total, {FormatBytes(Memory.AvailableBytes)} available, "
            + $"{FormatBytes(Memory.GcLimitBytes)} GC limit, {FormatBytes(Memory.WorkingSetBytes)} working set");
        Line("bandwidth", Bandwidth is null
            ? "not measured"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{Bandwidth.SingleThreadGBps:F1} GB/s (1 thread), {Bandwidth.MultiThreadGBps:F1} GB/s "
                + $"({Bandwidth.Threads} {(Bandwidth.Threads == 1 ? "thread" : "threads")}), {FormatBytes(Bandwidth.BufferBytes)} buffer"));
        Line("compute", Compute is null
            ? "not measured"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{Compute.SingleThreadGmacs:F1} GMAC/s f32 FMA (1 thread), {Compute.MultiThreadGmacs:F1} GMAC/s "
                + $"({Compute.Threads} {(Compute.Threads == 1 ? "thread" : "threads")}), {Compute.VectorBits}-bit vectors"));
        return text.ToString();
    }

    private static string FormatBytes(long? bytes)
    {
        if (bytes is not long value)
        {
            return "unknown";
        }

        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double scaled = value;
        int unit = 0;
        while (scaled >= 1024 && unit < units.Length - 1)
        {
            scaled /= 1024;
            unit++;
        }

        string format = unit == 0 || scaled == Math.Floor(scaled) ? "F0" : "F1";
        return scaled.ToString(format, CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
