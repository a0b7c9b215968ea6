// Prints a grammar as canonical GBNF text: one line per rule, literals merged, every non-printable code point escaped.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Grammar;

/// <summary>
/// Writes <see cref="Grammar"/> rules as GBNF that <see cref="GbnfParser"/> reads back to the same grammar. Runs of
/// single characters print as one string literal, classes as <c>[...]</c>, an empty alternative as <c>""</c> (so a
/// rule never ends in "|", which would swallow the next line); only printable ASCII is written raw.
/// </summary>
internal static class GbnfWriter
{
    /// <summary>The canonical text of <paramref name="grammar"/>.</summary>
    public static string Write(Grammar grammar)
    {
        var text = new StringBuilder();
        for (int r = 0; r < grammar.RuleCount; r++)
        {
            text.Append(grammar.RuleName(r)).Append(" ::=");
            WriteRule(text, grammar, grammar.Rule(r));
            text.Append('\n');
        }

        return text.ToString();
    }

    private static void WriteRule(StringBuilder text, Grammar grammar, ReadOnlySpan<GrammarElement> rule)
    {
        bool alternativeEmpty = true;
        int i = 0;
        while (i < rule.Length)
        {
            var element = rule[i];
            if (element.EndsAlternative)
            {
                if (alternativeEmpty)
                {
                    text.Append(" \"\"");
                }

                if (element.Kind == GrammarElementKind.End)
                {
                    return;
                }

                text.Append(" |");
                alternativeEmpty = true;
                i++;
                continue;
            }

            alternativeEmpty = false;
            text.Append(' ');
            i = element.Kind switch
            {
                GrammarElementKind.RuleReference => WriteReference(text, grammar, i, element),
                GrammarElementKind.CharAny => WriteAny(text, i),
                _ => IsSingleChar(rule, i) ? WriteLiteral(text, rule, i) : WriteClass(text, rule, i),
            };
        }
    }

    /// <summary>A GBNF string literal matching exactly <paramref name="text"/>.</summary>
    public static string Literal(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            AppendChar(builder, rune.Value, inClass: false);
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A GBNF class of the half-open code point ranges in <paramref name="ranges"/> (start, end pairs).</summary>
    public static string Class(IReadOnlyList<(int Start, int End)> ranges)
    {
        var builder = new StringBuilder("[");
        foreach (var (start, end) in ranges)
        {
            AppendChar(builder, start, inClass: true);
            if (end - 1 > start)
            {
                builder.Append('-');
                AppendChar(builder, end - 1, inClass: true);
            }
        }

        return builder.Append(']').ToString();
    }

    private static int WriteReference(StringBuilder text, Grammar grammar, int i, GrammarElement element)
    {
        text.Append(grammar.RuleName(element.Value));
        return i + 1;
    }

    private static int WriteAny(StringBuilder text, int i)
    {
        text.Append('.');
        return i + 1;
    }

    // A Char element not followed by a range end or another alternative of its class: one literal character.
    private static bool IsSingleChar(ReadOnlySpan<GrammarElement> rule, int i) =>
        rule[i].Kind == GrammarElementKind.Char
        && rule[i + 1].Kind is not (GrammarElementKind.CharAlternate or GrammarElementKind.CharRangeUpper);

    private static int WriteLiteral(StringBuilder text, ReadOnlySpan<GrammarElement> rule, int i)
    {
        text.Append('"');
        while (i < rule.Length && IsSingleChar(rule, i))
        {
            AppendChar(text, rule[i].Value, inClass: false);
            i++;
        }

        text.Append('"');
        return i;
    }

    private static int WriteClass(StringBuilder text, ReadOnlySpan<GrammarElement> rule, int i)
    {
        text.Append(rule[i].Kind == GrammarElementKind.CharNot ? "[^" : "[");
        AppendChar(text, rule[i].Value, inClass: true);
        i++;
        while (rule[i].Kind is GrammarElementKind.CharAlternate or GrammarElementKind.CharRangeUpper)
        {
            if (rule[i].Kind == GrammarElementKind.CharRangeUpper)
            {
                text.Append('-');
            }

            AppendChar(text, rule[i].Value, inClass: true);
            i++;
        }

        text.Append(']');
        return i;
    }

    /// <summary>Appends <paramref name="codePoint"/> as it is written inside a GBNF literal or class.</summary>
    public static void AppendChar(StringBuilder text, int codePoint, bool inClass)
    {
        switch (codePoint)
        {
            case '\n':
                text.Append("\\n");
                return;
            case '\r':
                text.Append("\\r");
                return;
            case '\t':
                text.Append("\\t");
                return;
            case '\\':
                text.Append("\\\\");
                return;
            case '"' when !inClass:
                text.Append("\\\"");
                return;
            case ']' or '[' when inClass:
                text.Append('\\').Append((char)codePoint);
                return;
            case '-' or '^' when inClass:
                text.Append("\\x").Append(codePoint.ToString("X2", CultureInfo.InvariantCulture));
                return;
        }

        if (codePoint is >= 0x20 and < 0x7F)
        {
            text.Append((char)codePoint);
        }
        else if (codePoint < 0x100)
        {
            text.Append("\\x").Append(codePoint.ToString("X2", CultureInfo.InvariantCulture));
        }
        else if (codePoint <= 0xFFFF)
        {
            text.Append("\\u").Append(codePoint.ToString("X4", CultureInfo.InvariantCulture));
        }
        else
        {
            text.Append("\\U").Append(codePoint.ToString("X8", CultureInfo.InvariantCulture));
        }
    }
}
