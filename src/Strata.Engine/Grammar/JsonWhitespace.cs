// How much whitespace a JSON Schema grammar lets the model write between tokens of JSON.
namespace Strata.Engine.Grammar;

/// <summary>Whitespace a compiled JSON grammar allows (values persisted nowhere; explicit for clarity).</summary>
public enum JsonWhitespace
{
    /// <summary>None: <c>{"a":1,"b":[2,3]}</c>. Shortest outputs; the choice for models that know no JSON.</summary>
    Compact = 0,

    /// <summary>One optional space after each ':' and ',': <c>{"a": 1, "b": [2, 3]}</c>, the single-line style models favour.</summary>
    Minimal = 1,

    /// <summary>
    /// llama.cpp's rule, after '{', '[', ':' and ',' and before '}' and ']': nothing, one space, or one or two line
    /// breaks and up to 20 spaces or tabs (<c>space ::= | " " | "\n"{1,2} [ \t]{0,20}</c>), so pretty-printed output fits.
    /// </summary>
    Flexible = 2,
}
