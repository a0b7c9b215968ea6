// The attribute= argument of filters: "a.b.0" looks up a, then b, then item 0, with the environment's getitem rules.
namespace Strata.Engine.Templates;

/// <summary>jinja2's <c>make_attrgetter</c>: dotted paths whose numeric parts are indexes.</summary>
internal static class AttributePath
{
    /// <summary>The parts of <paramref name="attribute"/>: a string is split on dots (digit-only parts become ints).</summary>
    public static object?[] Parts(object? attribute) => attribute switch
    {
        null => [],
        string s => [.. s.Split('.').Select(p => p.Length > 0 && p.All(char.IsAsciiDigit) ? (object?)long.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : p)],
        _ => [attribute],
    };

    /// <summary>Looks <paramref name="parts"/> up in <paramref name="item"/>; with a non-null
    /// <paramref name="fallback"/>, an undefined step becomes the fallback (map's and groupby's default=).</summary>
    public static object? Get(object? item, object?[] parts, object? fallback = null)
    {
        foreach (var part in parts)
        {
            item = PyAccess.GetItem(item, part);
            if (fallback is not null && item is Undefined)
            {
                item = fallback;
            }
        }

        return item;
    }

    /// <summary>Lower-cases strings, as jinja2's ignore_case post-processing does for case-insensitive filters.</summary>
    public static object? IgnoreCase(object? value) => value is string s ? s.ToLowerInvariant() : value;
}
