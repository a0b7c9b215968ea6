// The kinds of token the Jinja lexer produces: template text, tag delimiters, literals, names and operators.
namespace Strata.Engine.Templates;

/// <summary>What a <see cref="Token"/> is. Operators are named after Jinja's lexer (add, sub, floordiv, ...).</summary>
internal enum TokenKind
{
    /// <summary>Template text outside tags.</summary>
    Data,

    /// <summary><c>{{</c></summary>
    VariableBegin,

    /// <summary><c>}}</c></summary>
    VariableEnd,

    /// <summary><c>{%</c></summary>
    BlockBegin,

    /// <summary><c>%}</c></summary>
    BlockEnd,

    /// <summary>An identifier, including keywords such as <c>if</c>, <c>in</c> and <c>not</c>.</summary>
    Name,

    /// <summary>A string literal; <see cref="Token.Value"/> holds it unescaped.</summary>
    String,

    /// <summary>An integer literal; <see cref="Token.Value"/> holds a long.</summary>
    Integer,

    /// <summary>A float literal; <see cref="Token.Value"/> holds a double.</summary>
    Float,

    /// <summary><c>+</c></summary>
    Add,

    /// <summary><c>-</c></summary>
    Sub,

    /// <summary><c>/</c></summary>
    Div,

    /// <summary><c>//</c></summary>
    FloorDiv,

    /// <summary><c>*</c></summary>
    Mul,

    /// <summary><c>%</c></summary>
    Mod,

    /// <summary><c>**</c></summary>
    Pow,

    /// <summary><c>~</c></summary>
    Tilde,

    /// <summary><c>[</c></summary>
    LeftBracket,

    /// <summary><c>]</c></summary>
    RightBracket,

    /// <summary><c>(</c></summary>
    LeftParen,

    /// <summary><c>)</c></summary>
    RightParen,

    /// <summary><c>{</c></summary>
    LeftBrace,

    /// <summary><c>}</c></summary>
    RightBrace,

    /// <summary><c>==</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>&gt;</c></summary>
    Greater,

    /// <summary><c>&gt;=</c></summary>
    GreaterEqual,

    /// <summary><c>&lt;</c></summary>
    Less,

    /// <summary><c>&lt;=</c></summary>
    LessEqual,

    /// <summary><c>=</c></summary>
    Assign,

    /// <summary><c>.</c></summary>
    Dot,

    /// <summary><c>:</c></summary>
    Colon,

    /// <summary><c>|</c></summary>
    Pipe,

    /// <summary><c>,</c></summary>
    Comma,

    /// <summary><c>;</c></summary>
    Semicolon,

    /// <summary>The end of the template.</summary>
    End,
}
