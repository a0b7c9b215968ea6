// An error raised inside a value operation (a Python TypeError, ValueError, ...); the evaluator adds the line.
namespace Strata.Engine.Templates;

/// <summary>
/// A failing operation on values, with Python's message ("can only concatenate str (not \"int\") to str"). The
/// expression evaluator turns it into a <see cref="TemplateException"/> naming the line of the expression.
/// </summary>
internal sealed class PyError : Exception
{
    /// <summary>Creates the error with Python's message.</summary>
    public PyError(string message) : base(message)
    {
    }

    /// <summary>Creates the error with an inner cause.</summary>
    public PyError(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error (for serializers).</summary>
    public PyError()
    {
    }
}
