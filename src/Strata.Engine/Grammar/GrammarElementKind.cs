// The kinds of element a grammar rule is made of: llama.cpp's llama_gretype without its token elements.
namespace Strata.Engine.Grammar;

/// <summary>
/// What one <see cref="GrammarElement"/> is. A rule is a list of elements: alternatives separated by
/// <see cref="Alternate"/> and closed by <see cref="End"/>. A character class is a <see cref="Char"/>,
/// <see cref="CharNot"/> or <see cref="CharAny"/> followed by any number of <see cref="CharRangeUpper"/> and
/// <see cref="CharAlternate"/> elements. Values persisted nowhere; explicit so they read like llama.cpp's.
/// </summary>
public enum GrammarElementKind : byte
{
    /// <summary>End of the rule's definition.</summary>
    End = 0,

    /// <summary>Start of another alternative of the rule.</summary>
    Alternate = 1,

    /// <summary>A reference to the rule whose index is the value.</summary>
    RuleReference = 2,

    /// <summary>A character class matching the code point in the value (and what follows).</summary>
    Char = 3,

    /// <summary>A negated character class: matches any code point the following elements do not name.</summary>
    CharNot = 4,

    /// <summary>Turns the preceding Char, CharNot or CharAlternate into an inclusive range ending at the value.</summary>
    CharRangeUpper = 5,

    /// <summary>Another code point (or range start) of the same class.</summary>
    CharAlternate = 6,

    /// <summary>Any code point (".").</summary>
    CharAny = 7,
}
