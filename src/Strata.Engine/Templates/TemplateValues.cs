// Converts render inputs (System.Text.Json elements and nodes, .NET primitives and collections) into template values.
using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Engine.Templates;

/// <summary>
/// Input conversion, as Python's <c>json.loads</c> would give them to transformers: JSON integers become ints, numbers
/// with a fraction or exponent become floats, objects become dicts in document order, null becomes None.
/// </summary>
internal static class TemplateValues
{
    /// <summary>The template value of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">a type with no template equivalent, or an integer beyond 64 bits</exception>
    public static object? FromObject(object? value) => value switch
    {
        null => null,
        string or bool or long or double => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        decimal m => (double)m,
        JsonElement element => FromJson(element),
        JsonNode node => FromJson(node),
        IDictionary dictionary => FromDictionary(dictionary),
        IEnumerable<KeyValuePair<string, object?>> pairs => pairs.Aggregate(new PyDict.Builder(), (b, p) => b.Set(p.Key, FromObject(p.Value))).Build(),
        IEnumerable items => PyList.Of([.. items.Cast<object?>().Select(FromObject)]),
        _ => throw new ArgumentException($"template variables cannot hold a {value.GetType().Name}", nameof(value)),
    };

    /// <summary>The template value of a JSON element.</summary>
    public static object? FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var builder = new PyDict.Builder();
                foreach (var property in element.EnumerateObject())
                {
                    builder.Set(property.Name, FromJson(property.Value));
                }

                return builder.Build();
            case JsonValueKind.Array:
                return PyList.Of([.. element.EnumerateArray().Select(FromJson)]);
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return Number(element.GetRawText());
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    private static object? FromJson(JsonNode? node) => node is null ? null : FromJson(JsonSerializer.SerializeToElement(node));

    private static object Number(string raw)
    {
        if (raw.AsSpan().IndexOfAny(".eE") < 0)
        {
            return long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer)
                ? integer
                : throw new ArgumentException($"JSON integer {raw} does not fit in 64 bits");
        }

        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static PyDict FromDictionary(IDictionary dictionary)
    {
        var builder = new PyDict.Builder();
        foreach (DictionaryEntry entry in dictionary)
        {
            builder.Set(FromObject(entry.Key), FromObject(entry.Value));
        }

        return builder.Build();
    }
}
