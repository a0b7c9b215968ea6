// Typed readers of request JSON values: each returns the value or throws a 400 naming the field, what it must be and what came.
using System.Text.Json;

namespace Strata.Serving;

/// <summary>Reads one JSON value of a request body as the type its field needs, or fails with a 400 that names the field.</summary>
internal static class JsonField
{
    /// <summary>s, unless it is empty.</summary>
    public static string NonEmpty(string s, string field) =>
        s.Length > 0 ? s : throw ApiError.BadRequest($"'{field}' must not be empty", field);

    /// <summary>A JSON string.</summary>
    public static string String(JsonElement v, string field) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw ApiError.BadRequest($"'{field}' must be a string; found {Kind(v)}", field);

    /// <summary>true or false.</summary>
    public static bool Bool(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ApiError.BadRequest($"'{field}' must be true or false; found {Kind(v)}", field),
    };

    /// <summary>An integer (a whole number written with a fraction or exponent counts).</summary>
    public static int Int(JsonElement v, string field)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i))
        {
            return i;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
        {
            return (int)d;
        }

        throw ApiError.BadRequest($"'{field}' must be an integer; found {Kind(v)} {Short(v)}", field);
    }

    /// <summary>A number in [min, max]; null gives the fallback.</summary>
    public static float Float(JsonElement v, string field, float min, float max, float fallback)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d))
        {
            throw ApiError.BadRequest($"'{field}' must be a number; found {Kind(v)}", field);
        }

        if (!(d >= min && d <= max))
        {
            throw ApiError.BadRequest($"'{field}' must be between {min} and {max}; found {d}", field);
        }

        return (float)d;
    }

    /// <summary>What the value is, for messages: "an object", "a string", …</summary>
    public static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>The value's JSON text, cut to 40 characters.</summary>
    public static string Short(JsonElement v)
    {
        string raw = v.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "…";
    }
}
