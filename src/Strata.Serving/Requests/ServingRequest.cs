// A request the HTTP layer has parsed, validated and tokenized, ready for admission and the scheduler.
using Strata.Engine.Sampling;

namespace Strata.Serving;

/// <summary>What to generate for one admitted API request.</summary>
internal sealed class ServingRequest
{
    public required string Endpoint { get; init; }

    public required Tenant Tenant { get; init; }

    public required int[] PromptTokens { get; init; }

    public required int MaxTokens { get; init; }

    public required SamplerOptions Sampling { get; init; }

    public IReadOnlyList<string>? StopStrings { get; init; }

    /// <summary>The grammar the answer must follow (each sequence gets its own matcher); null for free text.</summary>
    public Strata.Engine.Grammar.Grammar? Grammar { get; init; }

    /// <summary>Return the chosen token's log-probability.</summary>
    public bool Logprobs { get; init; }

    /// <summary>Alternatives to return per token (0–20).</summary>
    public int TopLogprobs { get; init; }

    public bool Stream { get; init; }

    /// <summary>Timestamp of arrival, of the server's <see cref="TimeProvider"/>.</summary>
    public required long ArrivalTicks { get; init; }

    /// <summary>Deadline in ms from arrival; 0 = none.</summary>
    public int DeadlineMs { get; init; }
}
