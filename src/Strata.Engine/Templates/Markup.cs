// markupsafe's Markup: a string marked safe, so that "safe" + text escapes the text (as the safe and escape filters make it).
using System.Runtime.CompilerServices;

namespace Strata.Engine.Templates;

/// <summary>
/// A Markup value is a string instance marked safe. Marking a fresh copy keeps it a string everywhere (Python's
/// Markup is a str subclass) while <c>+</c> can tell it apart: <c>Markup + str</c> escapes the str, as markupsafe
/// does even with autoescaping off (functionary's template relies on it). <c>~</c> and printing give plain text.
/// An empty Markup cannot be marked and acts as a plain empty string.
/// </summary>
internal static class Markup
{
    private static readonly ConditionalWeakTable<string, object> Marked = [];
    private static readonly object Tag = new();

    /// <summary>A Markup string holding <paramref name="text"/> as it is.</summary>
    public static string Create(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        string copy = new(text.AsSpan());
        Marked.AddOrUpdate(copy, Tag);
        return copy;
    }

    /// <summary>True when <paramref name="value"/> is a Markup string.</summary>
    public static bool IsMarkup(object? value) => value is string { Length: > 0 } s && Marked.TryGetValue(s, out _);

    /// <summary>markupsafe's escape: the text with &amp; &lt; &gt; ' " as entities, as Markup; Markup is returned unchanged.</summary>
    public static string Escape(object? value) => IsMarkup(value) ? (string)value! : Create(EscapeText(PyRepr.Str(value)));

    /// <summary>The text with &amp; &lt; &gt; ' " written as entities.</summary>
    public static string EscapeText(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal);

    /// <summary><c>left + right</c> where at least one side is Markup: the other side is escaped, the result is Markup.</summary>
    public static string Add(string left, string right) => Create(
        (IsMarkup(left) ? left : EscapeText(left)) + (IsMarkup(right) ? right : EscapeText(right)));

    /// <summary>A copy of <paramref name="text"/> that is not Markup (what Python's str() gives for a Markup).</summary>
    public static string Plain(string text) => IsMarkup(text) ? new string(text.AsSpan()) : text;
}
