// Matches a name against one list of a policy rule: exact names, and (where allowed) prefixes written with a trailing '*'.
using System.Collections.Frozen;

namespace Strata.Agents;

/// <summary>A compiled name list of a rule (<c>tools</c>, <c>routes</c>, <c>tenants</c>, ...); ordinal, case-sensitive.</summary>
internal sealed class NameMatcher
{
    private readonly FrozenSet<string> _exact;
    private readonly string[] _prefixes;
    private readonly bool _any;

    private NameMatcher(FrozenSet<string> exact, string[] prefixes, bool any)
    {
        _exact = exact;
        _prefixes = prefixes;
        _any = any;
    }

    /// <summary>The list as written, for reasons: <c>fs.*, append_line</c>.</summary>
    public required string Text { get; init; }

    /// <summary>Compiles a list read from <paramref name="field"/>; wildcards are a load error where not allowed.</summary>
    /// <exception cref="PolicyFormatException">the list is empty, or an entry is empty, repeated or a misplaced wildcard</exception>
    public static NameMatcher Create(IReadOnlyList<string> names, string field, bool wildcards)
    {
        if (names.Count == 0)
        {
            throw new PolicyFormatException(field, "an empty list matches nothing; leave the condition out to match anything");
        }

        var exact = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new List<string>();
        var any = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < names.Count; index++)
        {
            var name = names[index];
            var where = $"{field}[{index}]";
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new PolicyFormatException(where, "must be a non-empty name");
            }

            if (!seen.Add(name))
            {
                throw new PolicyFormatException(where, $"'{name}' is listed twice");
            }

            var star = name.IndexOf('*', StringComparison.Ordinal);
            if (star < 0)
            {
                exact.Add(name);
            }
            else if (!wildcards)
            {
                throw new PolicyFormatException(where, $"'{name}' has a '*', but {field[2..]} match exactly (no wildcards)");
            }
            else if (star != name.Length - 1)
            {
                throw new PolicyFormatException(where, $"'{name}' has a '*' before its end; a wildcard is one trailing '*' (a prefix: 'fs.*')");
            }
            else if (name.Length == 1)
            {
                any = true;
            }
            else
            {
                prefixes.Add(name[..^1]);
            }
        }

        return new NameMatcher(exact.ToFrozenSet(StringComparer.Ordinal), [.. prefixes], any) { Text = string.Join(", ", names) };
    }

    /// <summary>True when <paramref name="name"/> is listed or starts with a listed prefix; a null name never matches.</summary>
    public bool Matches(string? name)
    {
        if (name is null)
        {
            return false;
        }

        if (_any || _exact.Contains(name))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
