// Evidence from the serving layer: route, tenant, queueing, the batches a request ran in, prefix-cache reuse and latencies.
namespace Strata.Evidence;

/// <summary>What the server did with one request.</summary>
public sealed record ServingSection
{
    /// <summary>Endpoint, e.g. "/v1/chat/completions".</summary>
    public required string Endpoint { get; init; }

    /// <summary>Tenant the request was admitted for.</summary>
    public required string Tenant { get; init; }

    /// <summary>Served model name (the route).</summary>
    public required string Model { get; init; }

    /// <summary>Model version: SHA-256 of the model file.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Content hash of the executable that ran the request.</summary>
    public string? ExecutableHash { get; init; }

    /// <summary>Numerical mode of the matmuls, e.g. "exact-f32".</summary>
    public string? NumericMode { get; init; }

    /// <summary>Whether the request's results were independent of the batches it ran in (kernel option).</summary>
    public bool BatchInvariant { get; init; }

    /// <summary>Element type of the KV cache the request's keys and values were kept in: "f32" or "f16".</summary>
    public string? KvType { get; init; }

    /// <summary>Whether the response was streamed.</summary>
    public bool Stream { get; init; }

    /// <summary>Admission priority (higher runs first).</summary>
    public int Priority { get; init; }

    /// <summary>Deadline in milliseconds from arrival; absent when none.</summary>
    public int? DeadlineMs { get; init; }

    /// <summary>Time from arrival to the first forward pass that included the request.</summary>
    public double QueueMs { get; init; }

    /// <summary>Time from arrival to the first generated token.</summary>
    public double? TtftMs { get; init; }

    /// <summary>Mean time between generated tokens.</summary>
    public double? ItlMeanMs { get; init; }

    /// <summary>Largest time between generated tokens.</summary>
    public double? ItlMaxMs { get; init; }

    /// <summary>Prompt tokens (after the chat template).</summary>
    public int PromptTokens { get; init; }

    /// <summary>Generated tokens.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Prompt KV blocks reused from the prefix cache instead of computed.</summary>
    public int PrefixCacheHitBlocks { get; init; }

    /// <summary>Prompt tokens those blocks held.</summary>
    public int PrefixCacheHitTokens { get; init; }

    /// <summary>Times the request was preempted (its KV blocks taken back) and recomputed.</summary>
    public int Preemptions { get; init; }

    /// <summary>The forward passes the request ran in, in order (at most the first 4096).</summary>
    public IReadOnlyList<BatchRun>? Batches { get; init; }

    /// <summary>Why generation ended in Strata's terms, e.g. "eos", "max_tokens", "stop_sequence", "deadline", "client_gone".</summary>
    public string? StopReason { get; init; }

    /// <summary>The OpenAI finish_reason sent to the client.</summary>
    public string? FinishReason { get; init; }
}

/// <summary>
/// One forward pass of the scheduler as its tenant sees it: the tenant's own pass number and its own sequences and token rows
/// in it (other tenants' sequences in the same pass, and the server's pass count, are not the tenant's facts).
/// </summary>
/// <param name="Id">the tenant's pass number on the model since it was loaded (passes that held any of the tenant's sequences)</param>
/// <param name="Sequences">the tenant's sequences in the pass</param>
/// <param name="Rows">the tenant's token rows in the pass (decode rows plus prefill chunk rows)</param>
public sealed record BatchRun(long Id, int Sequences, int Rows);
