// A chat template that could not render a conversation: it raised (the caller's messages broke its rules) or is unsupported.
namespace Strata.Engine.Chat;

/// <summary>Rendering the model's chat template failed.</summary>
public sealed class ChatTemplateException : Exception
{
    /// <summary>A failure with its message; <paramref name="raisedByTemplate"/> when the template's own raise_exception fired.</summary>
    public ChatTemplateException(string message, bool raisedByTemplate, Exception? inner = null)
        : base(message, inner)
    {
        RaisedByTemplate = raisedByTemplate;
    }

    /// <summary>True when the template refused the conversation (a client error); false when the template is not supported.</summary>
    public bool RaisedByTemplate { get; }
}
