// One element of a grammar rule: a kind and a value (code point or rule index).
namespace Strata.Engine.Grammar;

/// <summary>One element of a rule (llama.cpp's llama_grammar_element).</summary>
/// <param name="Kind">what the element is</param>
/// <param name="Value">a Unicode code point for character kinds, a rule index for <see cref="GrammarElementKind.RuleReference"/>, else 0</param>
public readonly record struct GrammarElement(GrammarElementKind Kind, int Value)
{
    /// <summary>True for <see cref="GrammarElementKind.End"/> and <see cref="GrammarElementKind.Alternate"/>: the end of an alternative.</summary>
    public bool EndsAlternative => Kind is GrammarElementKind.End or GrammarElementKind.Alternate;

    /// <summary>True for the first element of a character class (Char, CharNot, CharAny).</summary>
    public bool StartsCharClass => Kind is GrammarElementKind.Char or GrammarElementKind.CharNot or GrammarElementKind.CharAny;
}
