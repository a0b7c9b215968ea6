// The rules a schema compiles to, named after their place in the schema, written out as GBNF text.
using System.Text;

namespace Strata.Engine.Grammar;

/// <summary>
/// Named GBNF rules being built. Names come from the schema path ("root", "person-name", "ref-defs-node"), cut to GBNF
/// name characters; a second rule wanting a name already holding a different body gets a numbered one, and built-in
/// names (value, string, ...) are never taken by schema rules. Built-ins are added with their dependencies on first use.
/// </summary>
internal sealed class GbnfRules(JsonWhitespace whitespace)
{
    private readonly Dictionary<string, string?> _bodies = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>The whitespace reference after '{' / '[' and before '}' / ']' (empty when none is allowed).</summary>
    public string Ws => whitespace == JsonWhitespace.Flexible ? BuiltIn("ws") + " " : string.Empty;

    /// <summary>The whitespace reference after ':' and ',' (empty when none is allowed).</summary>
    public string Sep => whitespace == JsonWhitespace.Compact ? string.Empty : BuiltIn("sep") + " ";

    /// <summary>Adds rule <paramref name="name"/> ::= <paramref name="body"/> and returns the name it got.</summary>
    public string Add(string name, string body)
    {
        string baseName = Sanitize(name);
        string candidate = baseName;
        for (int i = 0; ; i++)
        {
            if (!_bodies.TryGetValue(candidate, out string? existing))
            {
                _bodies[candidate] = body;
                _order.Add(candidate);
                return candidate;
            }

            if (existing == body)
            {
                return candidate;
            }

            candidate = $"{baseName}{i}";
        }
    }

    /// <summary>Reserves a name for a rule whose body comes later (a $ref target that may refer to itself).</summary>
    public string Reserve(string name)
    {
        string baseName = Sanitize(name);
        string candidate = baseName;
        for (int i = 0; _bodies.ContainsKey(candidate); i++)
        {
            candidate = $"{baseName}{i}";
        }

        _bodies[candidate] = null;
        _order.Add(candidate);
        return candidate;
    }

    /// <summary>Gives the reserved rule <paramref name="name"/> its body.</summary>
    public void Define(string name, string body) => _bodies[name] = body;

    /// <summary>Adds built-in rule <paramref name="name"/> (and what it needs) and returns its name.</summary>
    public string BuiltIn(string name)
    {
        if (!_bodies.ContainsKey(name))
        {
            var (body, needs) = JsonPrimitives.Rule(name, whitespace);
            _bodies[name] = body;
            _order.Add(name);
            foreach (string need in needs)
            {
                BuiltIn(need);
            }
        }

        return name;
    }

    /// <summary>The GBNF text: "root ::= <paramref name="rootExpression"/>", then every rule.</summary>
    public string Write(string rootExpression)
    {
        var text = new StringBuilder();
        text.Append("root ::= ").Append(rootExpression).Append('\n');

        foreach (string name in _order)
        {
            text.Append(name).Append(" ::= ").Append(_bodies[name]).Append('\n');
        }

        return text.ToString();
    }

    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            bool ok = char.IsAsciiLetterOrDigit(c) || c == '-';
            if (ok)
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != '-')
            {
                text.Append('-');
            }
        }

        string result = text.ToString().Trim('-');
        if (result.Length == 0)
        {
            result = "rule";
        }

        return JsonPrimitives.IsBuiltIn(result) ? result + "-" : result;
    }
}
