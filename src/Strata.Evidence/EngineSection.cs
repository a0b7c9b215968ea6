// Evidence from the engine layer: model identity, token counts, stop reason, sampler and timings.
namespace Strata.Evidence;

/// <summary>What the engine loaded and did for this call.</summary>
public sealed record EngineSection
{
    /// <summary>Path of the model file as given; absent in the evidence a server gives its tenants (the server's files are not theirs).</summary>
    public string? ModelPath { get; init; }

    /// <summary>SHA-256 of the model file as loaded, lowercase hex (see <see cref="EvidenceHash.Sha256HexOfFile"/>).</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>
    /// How the weights were loaded: "copy" (read into private memory at load; <see cref="ModelSha256"/> is of those bytes) or
    /// "mmap" (mapped from the file in place). Absent in records written before it was recorded.
    /// </summary>
    public string? ModelLoad { get; init; }

    /// <summary>
    /// True when, as this record was written, the model file on disk was no longer the one loaded (written, truncated,
    /// replaced or removed since). With "copy" the weights used are still those <see cref="ModelSha256"/> names; with "mmap"
    /// they may have changed with the file. Absent in records written before it was recorded.
    /// </summary>
    public bool? ModelFileChanged { get; init; }

    /// <summary>Architecture from the model metadata, e.g. "llama".</summary>
    public required string Architecture { get; init; }

    /// <summary>Tensor count per element type, e.g. {"q4_0": 28, "f32": 9}; keys kept verbatim.</summary>
    public IReadOnlyDictionary<string, int>? QuantTypes { get; init; }

    /// <summary>Element type of the KV cache: "f32" or "f16" (absent in records written before it was recorded).</summary>
    public string? KvType { get; init; }

    /// <summary>Tokens in the prompt.</summary>
    public int PromptTokenCount { get; init; }

    /// <summary>Tokens generated.</summary>
    public int GeneratedTokenCount { get; init; }

    /// <summary>Why generation stopped, e.g. "eos", "max_tokens", "stop_sequence", "cancelled".</summary>
    public string? StopReason { get; init; }

    /// <summary>Sampler stages in order with their parameters, e.g. ["top_k(40)", "dist(seed=7)"].</summary>
    public IReadOnlyList<string>? SamplerStages { get; init; }

    /// <summary>Seed of the sampler's PRNG (reproduces the generation); absent when greedy.</summary>
    public ulong? SamplerSeed { get; init; }

    /// <summary>
    /// SHA-256 (lowercase hex) of the canonical GBNF text of the grammar that constrained generation (a JSON Schema is
    /// hashed as the grammar it compiled to); absent when generation was unconstrained.
    /// </summary>
    public string? GrammarSha256 { get; init; }

    /// <summary>Timings and throughputs.</summary>
    public EngineTimings? Timings { get; init; }
}
