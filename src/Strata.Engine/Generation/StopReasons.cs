// The names a stop reason goes by: Strata's own (CLI, engine evidence), the server's strata_stop_reason, OpenAI's finish_reason.
namespace Strata.Engine.Generation;

/// <summary>Spellings of <see cref="StopReason"/>, in one place.</summary>
public static class StopReasons
{
    /// <summary>snake_case name as the CLI and engine evidence print it ("end_of_sequence", "stop_string", …).</summary>
    public static string Name(StopReason reason) => reason switch
    {
        StopReason.EndOfSequence => "end_of_sequence",
        StopReason.StopString => "stop_string",
        StopReason.MaxTokens => "max_tokens",
        StopReason.ContextFull => "context_full",
        StopReason.Cancelled => "cancelled",
        StopReason.Deadline => "deadline",
        StopReason.ClientGone => "client_gone",
        StopReason.Shutdown => "shutdown",
        StopReason.Error => "error",
        StopReason.GrammarComplete => "grammar_complete",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "not a stop reason"),
    };

    /// <summary>The server's <c>strata_stop_reason</c> ("eos", "stop_sequence", then as <see cref="Name"/>).</summary>
    public static string WireName(StopReason reason) => reason switch
    {
        StopReason.EndOfSequence => "eos",
        StopReason.StopString => "stop_sequence",
        _ => Name(reason),
    };

    /// <summary>
    /// OpenAI's <c>finish_reason</c>: "length" when something cut the text short (the token limit, the context, the
    /// deadline, a server shutdown), else "stop".
    /// </summary>
    public static string FinishReason(StopReason reason) =>
        reason is StopReason.MaxTokens or StopReason.ContextFull or StopReason.Deadline or StopReason.Shutdown ? "length" : "stop";
}
