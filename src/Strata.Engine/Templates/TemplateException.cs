// The one error a chat template produces when it cannot be parsed, uses something unsupported or fails while rendering.
namespace Strata.Engine.Templates;

/// <summary>
/// A Jinja template could not be parsed, uses a construct this interpreter does not support, or failed while rendering.
/// The message names the construct and where it is ("unknown filter 'wordwrap' at line 3").
/// </summary>
public class TemplateException : Exception
{
    /// <summary>Creates the error for a place in the template.</summary>
    /// <param name="description">what went wrong, without the position</param>
    /// <param name="line">1-based line, or 0 when no position applies</param>
    /// <param name="column">1-based column, or 0 when only the line is known</param>
    public TemplateException(string description, int line, int column = 0)
        : base(WithPosition(description, line, column))
    {
        Description = description;
        Line = line;
        Column = column;
    }

    /// <summary>Creates the error with a message of its own and no position.</summary>
    public TemplateException(string message) : base(message)
    {
        Description = message;
    }

    /// <summary>Creates the error with an inner cause and no position.</summary>
    public TemplateException(string message, Exception innerException) : base(message, innerException)
    {
        Description = message;
    }

    /// <summary>Creates an empty error (for serializers).</summary>
    public TemplateException()
    {
        Description = Message;
    }

    /// <summary>Creates the error with a message that is used as it is, keeping the position for callers.</summary>
    protected TemplateException(string message, string description, int line) : base(message)
    {
        Description = description;
        Line = line;
    }

    /// <summary>What went wrong, without the position.</summary>
    public string Description { get; }

    /// <summary>1-based line of the construct, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the construct, or 0 when only the line is known.</summary>
    public int Column { get; }

    private static string WithPosition(string description, int line, int column) => line <= 0
        ? description
        : column <= 0 ? $"{description} at line {line}" : $"{description} at line {line}, column {column}";
}
