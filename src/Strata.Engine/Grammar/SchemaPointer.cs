// JSON pointers into a schema: building them for error locations and resolving local $ref values.
using System.Text;
using System.Text.Json;

namespace Strata.Engine.Grammar;

/// <summary>JSON pointers in URI fragment form ("#/properties/a~1b"), per RFC 6901.</summary>
internal static class SchemaPointer
{
    /// <summary><paramref name="pointer"/> extended by one member name or index.</summary>
    public static string Child(string pointer, string token) =>
        pointer + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary><paramref name="pointer"/> extended by an array index.</summary>
    public static string Child(string pointer, int index) => pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The element a local reference ("#", "#/$defs/x", percent-encoded or not) names in <paramref name="root"/>;
    /// false when the reference is not local or names nothing.
    /// </summary>
    public static bool TryResolve(JsonElement root, string reference, out JsonElement target)
    {
        target = root;
        if (!reference.StartsWith('#'))
        {
            return false;
        }

        string fragment = Uri.UnescapeDataString(reference[1..]);
        if (fragment.Length == 0)
        {
            return true;
        }

        if (fragment[0] != '/')
        {
            return false;
        }

        foreach (string raw in fragment[1..].Split('/'))
        {
            string token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (target.ValueKind == JsonValueKind.Object && target.TryGetProperty(token, out var next))
            {
                target = next;
            }
            else if (target.ValueKind == JsonValueKind.Array && int.TryParse(token, out int index) && index >= 0 && index < target.GetArrayLength())
            {
                target = target[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A rule name for a reference: "ref" and its path.</summary>
    public static string RuleName(string reference)
    {
        var name = new StringBuilder("ref");
        foreach (char c in reference)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        return name.ToString();
    }
}
