// The prompt (plus room for one generated token) does not fit the context window.
namespace Strata.Engine.Generation;

/// <summary>Raised before any work when the prompt cannot fit; says both sizes.</summary>
public sealed class PromptTooLongException : Exception
{
    /// <summary>Creates the error.</summary>
    public PromptTooLongException(int promptTokens, int contextTokens)
        : base($"prompt has {promptTokens} tokens but the context holds {contextTokens} (at least one position must stay free to generate); "
            + "shorten the prompt or raise --ctx")
    {
        PromptTokens = promptTokens;
        ContextTokens = contextTokens;
    }

    /// <summary>Creates an empty error.</summary>
    public PromptTooLongException()
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public PromptTooLongException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with a message and a cause.</summary>
    public PromptTooLongException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Tokens in the prompt.</summary>
    public int PromptTokens { get; }

    /// <summary>Positions in the context.</summary>
    public int ContextTokens { get; }
}
