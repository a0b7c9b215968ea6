// Filters that select or transform items lazily: select, reject, selectattr, rejectattr and map.
namespace Strata.Engine.Templates;

/// <summary>
/// jinja2's select/reject/selectattr/rejectattr/map: each returns a generator, so its items are computed when used
/// and only once. <c>selectattr("role", "equalto", "system")</c> applies the test to each item's attribute.
/// </summary>
internal static class SelectionFilters
{
    /// <summary>Adds the selection filters to <paramref name="table"/>.</summary>
    public static void Register(Dictionary<string, JinjaFilters.Filter> table)
    {
        table["select"] = (r, v, a, l) => Select(r, v, a, l, byAttribute: false, keep: true);
        table["reject"] = (r, v, a, l) => Select(r, v, a, l, byAttribute: false, keep: false);
        table["selectattr"] = (r, v, a, l) => Select(r, v, a, l, byAttribute: true, keep: true);
        table["rejectattr"] = (r, v, a, l) => Select(r, v, a, l, byAttribute: true, keep: false);
        table["map"] = Map;
    }

    private static PyGenerator Select(Renderer renderer, object? value, Arguments arguments, int line, bool byAttribute, bool keep)
    {
        if (!PyOperators.IsTrue(value))
        {
            return new PyGenerator([]);
        }

        var positional = arguments.Positional;
        object?[] parts = [];
        int offset = 0;
        if (byAttribute)
        {
            parts = positional.Count > 0 ? AttributePath.Parts(positional[0]) : throw new PyError("Missing parameter for attribute name");
            offset = 1;
        }

        Func<object?, bool> test;
        if (positional.Count > offset)
        {
            string name = positional[offset] as string ?? throw new PyError($"test name must be a string, not {PyTypes.Name(positional[offset])}");
            var testArguments = new Arguments([.. positional.Skip(offset + 1)], arguments.Keywords);
            test = item => JinjaTests.Apply(renderer, name, item, testArguments, line);
        }
        else
        {
            test = PyOperators.IsTrue;
        }

        return new PyGenerator(PyIteration.Items(value).Where(item => test(byAttribute ? AttributePath.Get(item, parts) : item) == keep));
    }

    private static PyGenerator Map(Renderer renderer, object? value, Arguments arguments, int line)
    {
        if (!PyOperators.IsTrue(value))
        {
            return new PyGenerator([]);
        }

        Func<object?, object?> transform;
        var attribute = arguments.Keywords.FirstOrDefault(k => k.Key == "attribute");
        if (arguments.Positional.Count == 0 && attribute.Key is not null)
        {
            var fallback = arguments.Keywords.FirstOrDefault(k => k.Key == "default").Value;
            var extra = arguments.Keywords.FirstOrDefault(k => k.Key is not ("attribute" or "default"));
            if (extra.Key is not null)
            {
                throw new PyError($"Unexpected keyword argument '{extra.Key}'");
            }

            var parts = AttributePath.Parts(attribute.Value);
            transform = item => AttributePath.Get(item, parts, fallback);
        }
        else
        {
            string name = arguments.Positional.Count > 0
                ? arguments.Positional[0] as string ?? throw new PyError("map requires a filter name")
                : throw new PyError("map requires a filter argument");
            var filterArguments = new Arguments([.. arguments.Positional.Skip(1)], arguments.Keywords);
            transform = item => JinjaFilters.Apply(renderer, name, item, filterArguments, line);
        }

        return new PyGenerator(PyIteration.Items(value).Select(transform));
    }
}
