// CpuInfo: what the processor is and which instruction sets this .NET process can actually use.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Strata.Substrate;

/// <summary>
/// Processor description as seen by this process.
/// </summary>
/// <param name="ModelName">Marketing name from /proc/cpuinfo "model name", or the runtime's architecture name when unreadable.</param>
/// <param name="LogicalCores">Logical processors available to the process (<see cref="Environment.ProcessorCount"/>).</param>
/// <param name="Architecture">Process architecture in lower case, e.g. "x64" or "arm64".</param>
/// <param name="L1dBytes">Level-1 data cache size of cpu0 in bytes, or null when unknown.</param>
/// <param name="L2Bytes">Level-2 cache size of cpu0 in bytes, or null when unknown.</param>
/// <param name="L3Bytes">Level-3 cache size of cpu0 in bytes, or null when unknown.</param>
/// <param name="IsaFlags">
/// Instruction sets usable from .NET in this process (hardware intrinsics whose IsSupported is true, so they honour
/// runtime switches such as DOTNET_EnableAVX512=0 or DOTNET_EnableAVX2=0; .NET 10 ignores the older per-ISA
/// DOTNET_EnableAVX512F), plus "vector256"/"vector512" when those widths are hardware accelerated.
/// </param>
/// <param name="CpuidFlags">
/// Features the CPU reports through CPUID that .NET has no intrinsics class for (f16c, avx512_bf16, avx512_vnni);
/// present on the chip, reachable only through scalar or converted paths.
/// </param>
public sealed record CpuInfo(
    string ModelName,
    int LogicalCores,
    string Architecture,
    long? L1dBytes,
    long? L2Bytes,
    long? L3Bytes,
    IReadOnlyList<string> IsaFlags,
    IReadOnlyList<string> CpuidFlags)
{
    private const string CpuInfoPath = "/proc/cpuinfo";
    private const string CacheDirectory = "/sys/devices/system/cpu/cpu0/cache";

    /// <summary>
    /// Reads the processor description of the machine running this process. Never throws for unreadable files:
    /// missing values fall back to the runtime's view or to null.
    /// </summary>
    /// <returns>The detected processor description.</returns>
    public static CpuInfo Detect()
    {
        string architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string modelName = ReadModelName() ?? architecture;
        (long? l1d, long? l2, long? l3) = ReadCacheSizes();
        return new CpuInfo(
            modelName,
            Environment.ProcessorCount,
            architecture,
            l1d,
            l2,
            l3,
            DetectIsaFlags(),
            DetectCpuidFlags());
    }

    /// <summary>
    /// Whether <see cref="IsaFlags"/> or <see cref="CpuidFlags"/> names the given feature (case-insensitive).
    /// </summary>
    /// <param name="flag">Feature name as listed, e.g. "avx2" or "f16c".</param>
    /// <returns>True when the feature is listed.</returns>
    public bool Has(string flag) =>
        IsaFlags.Contains(flag, StringComparer.OrdinalIgnoreCase) || CpuidFlags.Contains(flag, StringComparer.OrdinalIgnoreCase);

    private static string[] DetectIsaFlags()
    {
        var flags = new List<string>();
        void Add(bool supported, string name)
        {
            if (supported)
            {
                flags.Add(name);
            }
        }

        Add(Sse42.IsSupported, "sse4_2");
        Add(Avx.IsSupported, "avx");
        Add(Avx2.IsSupported, "avx2");
        Add(Fma.IsSupported, "fma");
        Add(Bmi2.IsSupported, "bmi2");
        Add(Avx512F.IsSupported, "avx512f");
        Add(Avx512BW.IsSupported, "avx512bw");
        Add(Avx512CD.IsSupported, "avx512cd");
        Add(Avx512DQ.IsSupported, "avx512dq");
        Add(Avx512F.VL.IsSupported, "avx512vl");
        Add(Avx512Vbmi.IsSupported, "avx512vbmi");
        Add(AvxVnni.IsSupported, "avx_vnni");
        Add(Avx10v1.IsSupported, "avx10v1");
        Add(AdvSimd.IsSupported, "asimd");
        Add(Dp.IsSupported, "asimddp");
        Add(Vector256.IsHardwareAccelerated, "vector256");
        Add(Vector512.IsHardwareAccelerated, "vector512");
        return [.. flags];
    }

    private static string[] DetectCpuidFlags()
    {
        if (!X86Base.IsSupported)
        {
            return [];
        }

        var flags = new List<string>();
        int maxLeaf = X86Base.CpuId(0, 0).Eax;
        if (maxLeaf >= 1 && (X86Base.CpuId(1, 0).Ecx & (1 << 29)) != 0)
        {
            flags.Add("f16c");
        }

        if (maxLeaf >= 7)
        {
            (int maxSubleaf, _, int leaf7Ecx, _) = X86Base.CpuId(7, 0);
            if (maxSubleaf >= 1 && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0)
            {
                flags.Add("avx512_bf16");
            }

            // .NET 10 has no Avx512Vnni class (AvxVnni covers only the VEX encoding), so report it from CPUID.
            if ((leaf7Ecx & (1 << 11)) != 0)
            {
                flags.Add("avx512_vnni");
            }
        }

        return [.. flags];
    }

    private static string? ReadModelName()
    {
        try
        {
            foreach (string line in File.ReadLines(CpuInfoPath))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim() == "model name")
                {
                    string name = line[(colon + 1)..].Trim();
                    return name.Length > 0 ? name : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static (long? L1d, long? L2, long? L3) ReadCacheSizes()
    {
        long? l1d = null, l2 = null, l3 = null;
        try
        {
            if (!Directory.Exists(CacheDirectory))
            {
                return (null, null, null);
            }

            foreach (string index in Directory.EnumerateDirectories(CacheDirectory, "index*"))
            {
                string? level = ReadTrimmed(Path.Combine(index, "level"));
                string? type = ReadTrimmed(Path.Combine(index, "type"));
                long? size = ParseCacheSize(ReadTrimmed(Path.Combine(index, "size")));
                switch (level)
                {
                    case "1" when type == "Data" || type == "Unified":
                        l1d ??= size;
                        break;
                    case "2":
                        l2 ??= size;
                        break;
                    case "3":
                        l3 ??= size;
                        break;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return (l1d, l2, l3);
    }

    private static string? ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;

    /// <summary>Parses sysfs cache sizes such as "32K", "1024K" or "32M" into bytes.</summary>
    internal static long? ParseCacheSize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        long multiplier = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            _ => 1,
        };
        string digits = multiplier == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value * multiplier : null;
    }
}
