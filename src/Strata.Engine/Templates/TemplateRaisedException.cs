// The error a template raises on purpose with raise_exception(message): its message is the template's, unchanged.
namespace Strata.Engine.Templates;

/// <summary>
/// The template called <c>raise_exception(message)</c>, as chat templates do to refuse a conversation ("Conversation
/// roles must alternate user/assistant/user/assistant/..."). <see cref="Exception.Message"/> is that message exactly;
/// <see cref="TemplateException.Line"/> says where the template raised it.
/// </summary>
public sealed class TemplateRaisedException : TemplateException
{
    /// <summary>Creates the error for the template's <paramref name="message"/>, raised at <paramref name="line"/>.</summary>
    public TemplateRaisedException(string message, int line) : base(message, message, line)
    {
    }

    /// <summary>Creates the error for the template's message with no position.</summary>
    public TemplateRaisedException(string message) : base(message, message, 0)
    {
    }

    /// <summary>Creates the error with an inner cause.</summary>
    public TemplateRaisedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error (for serializers).</summary>
    public TemplateRaisedException()
    {
    }
}
