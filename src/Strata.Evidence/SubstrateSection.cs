// Evidence from the substrate layer: the machine the call ran on.
namespace Strata.Evidence;

/// <summary>What the substrate detected and used.</summary>
public sealed record SubstrateSection
{
    /// <summary>Instruction set in use, e.g. "avx512" or "avx2" or "neon".</summary>
    public required string Isa { get; init; }

    /// <summary>Worker threads used for compute.</summary>
    public required int Threads { get; init; }

    /// <summary>CPU model string as reported by the OS, when known.</summary>
    public string? CpuModel { get; init; }
}
