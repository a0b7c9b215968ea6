// One lexical token with the line and column where it starts.
namespace Strata.Engine.Templates;

/// <summary>A token of a Jinja template.</summary>
/// <param name="Kind">what it is</param>
/// <param name="Text">the source text (for data: the text after whitespace control, newlines normalized)</param>
/// <param name="Value">a literal's value: string, long or double; null otherwise</param>
/// <param name="Line">1-based line where it starts</param>
/// <param name="Column">1-based column where it starts</param>
internal readonly record struct Token(TokenKind Kind, string Text, object? Value, int Line, int Column)
{
    /// <summary>True for a name token spelled <paramref name="name"/>.</summary>
    public bool IsName(string name) => Kind == TokenKind.Name && Text == name;

    /// <summary>How an error message names the token: a name or literal by its text, anything else by its kind.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.Name or TokenKind.Integer or TokenKind.Float or TokenKind.String => Text,
        TokenKind.End => "end of template",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.BlockBegin => "begin of statement block",
        TokenKind.VariableBegin => "begin of print statement",
        TokenKind.Data => "template data",
        _ => Text,
    };
}
