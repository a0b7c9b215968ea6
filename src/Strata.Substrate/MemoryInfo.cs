// MemoryInfo: physical memory of the machine and the footprint of this process.
using System.Globalization;

namespace Strata.Substrate;

/// <summary>
/// Memory figures for the machine and this process.
/// </summary>
/// <param name="TotalBytes">Physical memory from /proc/meminfo MemTotal, or the GC's total available memory when unreadable.</param>
/// <param name="AvailableBytes">Memory available for new allocations without swapping (MemAvailable), or null when unknown.</param>
/// <param name="GcLimitBytes">Memory the GC considers available to this process; reflects container limits.</param>
/// <param name="WorkingSetBytes">Physical memory mapped to this process (<see cref="Environment.WorkingSet"/>).</param>
public sealed record MemoryInfo(long TotalBytes, long? AvailableBytes, long GcLimitBytes, long WorkingSetBytes)
{
    private const string MemInfoPath = "/proc/meminfo";

    /// <summary>
    /// Reads the current memory figures. Never throws for an unreadable /proc/meminfo; it falls back to the GC's view.
    /// </summary>
    /// <returns>The detected memory figures.</returns>
    public static MemoryInfo Detect()
    {
        long gcLimitBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long? total = null, available = null;
        try
        {
            foreach (string line in File.ReadLines(MemInfoPath))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    total = ParseKibLine(line);
                }
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    available = ParseKibLine(line);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return new MemoryInfo(total ?? gcLimitBytes, available, gcLimitBytes, Environment.WorkingSet);
    }

    /// <summary>Parses a /proc/meminfo line such as "MemTotal:  16318412 kB" into bytes.</summary>
    internal static long? ParseKibLine(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        string[] parts = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            return null;
        }

        bool kib = parts.Length > 1 && parts[1].Equals("kB", StringComparison.OrdinalIgnoreCase);
        return kib ? value * 1024 : value;
    }
}
