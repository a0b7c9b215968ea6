// A GBNF grammar that cannot be used: a syntax error, an undefined rule, left recursion, or a grammar too large.
namespace Strata.Engine.Grammar;

/// <summary>
/// The grammar text is not a usable GBNF grammar. <see cref="Line"/> and <see cref="Column"/> (1-based) point at the
/// problem in the text when it has a place there; the message says what was expected and what was found.
/// </summary>
public sealed class GrammarException : Exception
{
    /// <summary>A problem at <paramref name="line"/>:<paramref name="column"/> (0 when it has no single place).</summary>
    public GrammarException(string message, int line, int column)
        : base(line > 0 ? $"line {line}, column {column}: {message}" : message)
    {
        Line = line;
        Column = column;
        Detail = message;
    }

    /// <summary>A problem that has no single place in the text.</summary>
    public GrammarException(string message)
        : this(message, 0, 0)
    {
    }

    /// <summary>Creates an exception with a message (serialization and analyzers' convention).</summary>
    public GrammarException()
        : this("the grammar is not valid GBNF")
    {
    }

    /// <summary>Creates an exception wrapping <paramref name="inner"/>.</summary>
    public GrammarException(string message, Exception inner)
        : base(message, inner)
    {
        Detail = message;
    }

    /// <summary>1-based line of the problem in the grammar text; 0 when it has no single place.</summary>
    public int Line { get; }

    /// <summary>1-based column (UTF-16 code units) of the problem; 0 when it has no single place.</summary>
    public int Column { get; }

    /// <summary>The message without its place.</summary>
    public string Detail { get; } = string.Empty;
}
