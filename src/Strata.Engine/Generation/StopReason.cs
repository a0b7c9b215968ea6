// Why a generation ended; persisted in evidence and API responses (append-only, explicit values).
namespace Strata.Engine.Generation;

/// <summary>The reason generation stopped.</summary>
public enum StopReason
{
    /// <summary>The model produced an end-of-generation token (EOS/EOT).</summary>
    EndOfSequence = 1,
    /// <summary>The text reached one of the stop strings.</summary>
    StopString = 2,
    /// <summary>The requested maximum number of tokens was generated.</summary>
    MaxTokens = 3,
    /// <summary>The sequence filled the context window.</summary>
    ContextFull = 4,
    /// <summary>The caller cancelled.</summary>
    Cancelled = 5,
}
