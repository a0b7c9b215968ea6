// One argument constraint compiled at load (path split, folder normalized, regex built), tested against each call.
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Strata.Agents;

/// <summary>
/// A compiled <see cref="PolicyArgumentConstraint"/>. <see cref="Matches"/> is false when the argument is missing
/// or of the wrong JSON kind for the test; a pattern that runs past <see cref="PatternTimeout"/> throws
/// <see cref="RegexMatchTimeoutException"/>, which <see cref="Policy.Decide"/> turns into a denial.
/// </summary>
internal sealed class ArgumentCheck
{
    /// <summary>How long one pattern match may run.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string[] _path;
    private readonly ArgumentTestKind _kind;
    private readonly string _folder; // normalized, without a trailing separator unless it is a root
    private readonly string _folderPrefix; // _folder ending in one separator
    private readonly double _bound;
    private readonly JsonElement[] _values;
    private readonly Regex? _regex;

    private ArgumentCheck(string[] path, ArgumentTestKind kind, string folder, double bound, JsonElement[] values, Regex? regex)
    {
        _path = path;
        _kind = kind;
        _bound = bound;
        _values = values;
        _regex = regex;
        _folder = folder;
        _folderPrefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
    }

    /// <summary>The constraint in words, for reasons: <c>path inside /data</c>.</summary>
    public required string Text { get; init; }

    /// <summary>Compiles a constraint read from <paramref name="field"/> (<c>$.arguments[0]</c>).</summary>
    /// <exception cref="PolicyFormatException">the path is malformed, or there is not exactly one valid test</exception>
    public static ArgumentCheck Create(PolicyArgumentConstraint constraint, string field)
    {
        var path = SplitPath(constraint.Path, field + ".path");
        var given = GivenTests(constraint);
        if (given.Count != 1)
        {
            var found = given.Count == 0 ? "none" : string.Join(", ", given);
            var hint = given.Contains("max") && given.Contains("min") ? " (to bound both sides, write two constraints on the same path)" : "";
            throw new PolicyFormatException(
                field,
                $"needs exactly one test of inside_folder, max, min, equals, one_of, pattern; found {found}{hint}");
        }

        var name = constraint.Path;
        if (constraint.InsideFolder is { } folder)
        {
            return InsideFolder(path, folder, field + ".inside_folder");
        }

        if (constraint.Max is { } max)
        {
            return Bound(path, ArgumentTestKind.Max, max, field + ".max", $"{name} at most ");
        }

        if (constraint.Min is { } min)
        {
            return Bound(path, ArgumentTestKind.Min, min, field + ".min", $"{name} at least ");
        }

        if (constraint.Pattern is { } pattern)
        {
            return Pattern(path, pattern, field + ".pattern");
        }

        if (constraint.OneOf is { } values)
        {
            return OneOf(path, values, field + ".one_of");
        }

        return new ArgumentCheck(path, ArgumentTestKind.OneOf, "", 0, [constraint.EqualTo], null)
        {
            Text = $"{name} equals {constraint.EqualTo.GetRawText()}",
        };
    }

    /// <summary>True when the argument is present and passes the test.</summary>
    /// <exception cref="RegexMatchTimeoutException">a pattern match ran past <see cref="PatternTimeout"/></exception>
    public bool Matches(JsonElement? arguments)
    {
        if (!TryFind(arguments, out var value))
        {
            return false;
        }

        switch (_kind)
        {
            case ArgumentTestKind.InsideFolder:
                return value.ValueKind is JsonValueKind.String && IsInside(value.GetString()!);
            case ArgumentTestKind.Max:
                return value.ValueKind is JsonValueKind.Number && value.TryGetDouble(out var high) && high <= _bound;
            case ArgumentTestKind.Min:
                return value.ValueKind is JsonValueKind.Number && value.TryGetDouble(out var low) && low >= _bound;
            case ArgumentTestKind.OneOf:
                foreach (var candidate in _values)
                {
                    if (JsonElement.DeepEquals(value, candidate))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return value.ValueKind is JsonValueKind.String && _regex!.IsMatch(value.GetString()!);
        }
    }

    private bool TryFind(JsonElement? arguments, out JsonElement value)
    {
        value = default;
        if (arguments is not { ValueKind: JsonValueKind.Object } current)
        {
            return false;
        }

        foreach (var name in _path)
        {
            if (current.ValueKind is not JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return false;
            }
        }

        value = current;
        return true;
    }

    private bool IsInside(string argument)
    {
        // An empty string or one with a NUL is no path at all; GetFullPath rejects the second with ArgumentException.
        // A relative path never matches: the tool resolves it against its own working folder (a local tool against
        // this process's, an MCP server against its own), which the policy cannot know.
        if (argument.Length == 0 || argument.Contains('\0', StringComparison.Ordinal) || !Path.IsPathFullyQualified(argument))
        {
            return false;
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(argument));
        return full.Equals(_folder, PathComparison) || full.StartsWith(_folderPrefix, PathComparison);
    }

    private static List<string> GivenTests(PolicyArgumentConstraint constraint)
    {
        var given = new List<string>(1);
        if (constraint.InsideFolder is not null)
        {
            given.Add("inside_folder");
        }

        if (constraint.Max is not null)
        {
            given.Add("max");
        }

        if (constraint.Min is not null)
        {
            given.Add("min");
        }

        if (constraint.EqualTo.ValueKind is not JsonValueKind.Undefined)
        {
            given.Add("equals");
        }

        if (constraint.OneOf is not null)
        {
            given.Add("one_of");
        }

        if (constraint.Pattern is not null)
        {
            given.Add("pattern");
        }

        return given;
    }

    private static string[] SplitPath(string? path, string field)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new PolicyFormatException(field, "must name an argument (a property name, or a dotted path a.b)");
        }

        var names = path.Split('.');
        if (Array.Exists(names, name => name.Length == 0))
        {
            throw new PolicyFormatException(field, $"'{path}' has an empty name between dots");
        }

        return names;
    }

    private static ArgumentCheck InsideFolder(string[] path, string folder, string field)
    {
        if (!Path.IsPathFullyQualified(folder) || folder.Contains('\0', StringComparison.Ordinal))
        {
            throw new PolicyFormatException(field, $"'{folder}' is not an absolute folder path");
        }

        var normalized = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return new ArgumentCheck(path, ArgumentTestKind.InsideFolder, normalized, 0, [], null)
        {
            Text = $"{string.Join('.', path)} inside {normalized}",
        };
    }

    private static ArgumentCheck Bound(string[] path, ArgumentTestKind kind, double bound, string field, string text)
    {
        if (!double.IsFinite(bound))
        {
            throw new PolicyFormatException(field, $"must be a finite number, found {bound}");
        }

        return new ArgumentCheck(path, kind, "", bound, [], null) { Text = text + bound.ToString("R", System.Globalization.CultureInfo.InvariantCulture) };
    }

    private static ArgumentCheck OneOf(string[] path, IReadOnlyList<JsonElement> values, string field)
    {
        if (values.Count == 0)
        {
            throw new PolicyFormatException(field, "an empty list matches nothing; give at least one value");
        }

        var texts = new string[values.Count];
        for (var index = 0; index < values.Count; index++)
        {
            texts[index] = values[index].GetRawText();
        }

        return new ArgumentCheck(path, ArgumentTestKind.OneOf, "", 0, [.. values], null)
        {
            Text = $"{string.Join('.', path)} one of [{string.Join(", ", texts)}]",
        };
    }

    private static ArgumentCheck Pattern(string[] path, string pattern, string field)
    {
        const RegexOptions options = RegexOptions.CultureInvariant;
        try
        {
            _ = new Regex(pattern, options, PatternTimeout);
        }
        catch (ArgumentException error)
        {
            throw new PolicyFormatException(field, $"'{pattern}' is not a .NET regular expression: {error.Message}");
        }

        Regex anchored;
        try
        {
            // The pattern compiles alone, so its groups are balanced and (?:...) encloses all of it.
            anchored = new Regex($@"\A(?:{pattern})\z", options, PatternTimeout);
        }
        catch (ArgumentException error)
        {
            throw new PolicyFormatException(field, $"'{pattern}' cannot be anchored for a full match (does it end inside a (?x) comment?): {error.Message}");
        }

        return new ArgumentCheck(path, ArgumentTestKind.Pattern, "", 0, [], anchored)
        {
            Text = $"{string.Join('.', path)} matches /{pattern}/",
        };
    }
}
