// The filter table: every filter a template may use, by name, mapped to its implementation.
namespace Strata.Engine.Templates;

/// <summary>
/// Jinja's built-in filters that chat templates use, with jinja2 3.1's semantics, and transformers' <c>tojson</c>.
/// A filter missing here is refused ("unknown filter 'wordwrap' at line 3"), never approximated.
/// </summary>
internal static class JinjaFilters
{
    /// <summary>A filter: the value left of the pipe, the call's arguments, the line of the call.</summary>
    internal delegate object? Filter(Renderer renderer, object? value, Arguments arguments, int line);

    private static readonly Dictionary<string, Filter> Table = Build();

    /// <summary>True when a filter called <paramref name="name"/> exists.</summary>
    public static bool IsKnown(string name) => Table.ContainsKey(name);

    /// <summary>Applies the filter <paramref name="name"/> to <paramref name="value"/>.</summary>
    /// <exception cref="TemplateException">there is no such filter</exception>
    public static object? Apply(Renderer renderer, string name, object? value, Arguments arguments, int line) =>
        Table.TryGetValue(name, out var filter)
            ? filter(renderer, value, arguments, line)
            : throw new TemplateException($"unknown filter '{name}'", line);

    private static Dictionary<string, Filter> Build()
    {
        var table = new Dictionary<string, Filter>(StringComparer.Ordinal);
        StringFilters.Register(table);
        SequenceFilters.Register(table);
        SelectionFilters.Register(table);
        ValueFilters.Register(table);
        return table;
    }
}
