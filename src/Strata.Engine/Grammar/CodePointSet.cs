// Sets of code points as half-open ranges, and how one character of such a set is written inside a JSON string.
using System.Globalization;

namespace Strata.Engine.Grammar;

/// <summary>Code point sets (start, end-exclusive ranges) for the pattern compiler.</summary>
internal static class CodePointSet
{
    /// <summary>
    /// GBNF for the JSON string content of one character of <paramref name="set"/>: the character raw where JSON allows
    /// it, else its escape; null when the set holds no character.
    /// </summary>
    public static string? JsonCharacter(IReadOnlyList<(int Start, int End)> set)
    {
        var raw = Subtract(set, [(0, 0x20), ('"', '"' + 1), ('\\', '\\' + 1), (0x7F, 0x80), (0xD800, 0xE000)]);
        var pieces = new List<string>();
        if (raw.Count > 0)
        {
            pieces.Add(raw.Count == 1 && raw[0].End == raw[0].Start + 1
                ? GbnfWriter.Literal(char.ConvertFromUtf32(raw[0].Start))
                : GbnfWriter.Class(raw));
        }

        foreach (var (start, end) in set)
        {
            for (int c = start; c < end && c < 0x80; c++)
            {
                if (c is < 0x20 or '"' or '\\' or 0x7F)
                {
                    pieces.Add(GbnfWriter.Literal(JsonEscape(c)));
                }
            }
        }

        if (pieces.Count == 0)
        {
            return null;
        }

        return pieces.Count == 1 ? pieces[0] : "( " + string.Join(" | ", pieces) + " )";
    }

    private static string JsonEscape(int c) => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\t' => "\\t",
        '\r' => "\\r",
        '\f' => "\\f",
        '\b' => "\\b",
        _ => "\\u" + c.ToString("x4", CultureInfo.InvariantCulture),
    };

    /// <summary>The set of one code point.</summary>
    public static List<(int Start, int End)> Single(int c) => [(c, c + 1)];

    /// <summary>The set as sorted, disjoint, merged ranges.</summary>
    public static List<(int Start, int End)> Normalize(IEnumerable<(int Start, int End)> set)
    {
        var sorted = new List<(int Start, int End)>(set);
        sorted.Sort();
        var merged = new List<(int Start, int End)>();
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, r.End));
            }
            else
            {
                merged.Add(r);
            }
        }

        return merged;
    }

    /// <summary>The code points of <paramref name="from"/> not in <paramref name="remove"/>.</summary>
    public static List<(int Start, int End)> Subtract(IEnumerable<(int Start, int End)> from, IEnumerable<(int Start, int End)> remove)
    {
        var result = new List<(int Start, int End)>();
        var cut = Normalize(remove);
        foreach (var (start, end) in Normalize(from))
        {
            int s = start;
            foreach (var (cs, ce) in cut)
            {
                if (ce <= s || cs >= end)
                {
                    continue;
                }

                if (cs > s)
                {
                    result.Add((s, cs));
                }

                s = Math.Max(s, ce);
            }

            if (s < end)
            {
                result.Add((s, end));
            }
        }

        return result;
    }
}
