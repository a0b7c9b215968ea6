// Why a generation ended; persisted in evidence and API responses (append-only, explicit values).
namespace Strata.Engine.Generation;

/// <summary>The reason generation stopped: the one list every front door (CLI, server, in-process client) reports from.</summary>
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
    /// <summary>The caller cancelled (Ctrl+C, a cancelled token).</summary>
    Cancelled = 5,
    /// <summary>The request's deadline passed.</summary>
    Deadline = 6,
    /// <summary>The client disconnected.</summary>
    ClientGone = 7,
    /// <summary>The server shut down before the sequence ended.</summary>
    Shutdown = 8,
    /// <summary>The sequence failed: a forward pass threw, the model produced non-finite logits, or no token could continue its grammar.</summary>
    Error = 9,
    /// <summary>The grammar constraining the sequence is complete and allows nothing more (the last token is part of the text).</summary>
    GrammarComplete = 10,
}
