// Python indexes strings by code point; .NET by UTF-16 unit. These convert, with a fast path for text without surrogates.
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>Length, indexing, slicing and iteration of strings by Unicode code point, as Python's str does.</summary>
internal static class CodePoints
{
    /// <summary>True when <paramref name="s"/> has no surrogate, so UTF-16 indexes are code point indexes.</summary>
    public static bool IsSimple(string s) => s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0;

    /// <summary><c>len(s)</c></summary>
    public static int Length(string s)
    {
        if (IsSimple(s))
        {
            return s.Length;
        }

        int count = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (!(char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The code points of <paramref name="s"/>, each as a string (a surrogate pair stays whole).</summary>
    public static List<string> Split(string s)
    {
        var items = new List<string>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                items.Add(s.Substring(i, 2));
                i++;
            }
            else
            {
                items.Add(s[i].ToString());
            }
        }

        return items;
    }

    /// <summary>The UTF-16 index of code point <paramref name="index"/> (0..Length).</summary>
    public static int ToUtf16(string s, int index)
    {
        if (IsSimple(s))
        {
            return index;
        }

        int i = 0;
        for (int n = 0; n < index && i < s.Length; n++)
        {
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
        }

        return i;
    }

    /// <summary>The code point index of UTF-16 index <paramref name="utf16Index"/>.</summary>
    public static int FromUtf16(string s, int utf16Index) => utf16Index <= 0 || IsSimple(s) ? utf16Index : Length(s[..utf16Index]);

    /// <summary><c>s[start:stop:step]</c> with indexes already resolved by <see cref="SliceIndexes"/>.</summary>
    public static string Slice(string s, long start, long stop, long step)
    {
        if (step == 1)
        {
            if (stop <= start)
            {
                return "";
            }

            int from = ToUtf16(s, (int)start);
            return s[from..ToUtf16(s, (int)stop)];
        }

        var items = IsSimple(s) ? null : Split(s);
        var text = new StringBuilder();
        foreach (long i in SliceIndexes.Enumerate(start, stop, step))
        {
            if (items is null)
            {
                text.Append(s[(int)i]);
            }
            else
            {
                text.Append(items[(int)i]);
            }
        }

        return text.ToString();
    }
}
