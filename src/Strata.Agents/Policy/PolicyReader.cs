// Reads a policy file's bytes into checked, compiled rules, or says precisely what in it is wrong and where.
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Unicode;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// Parses and checks a policy file: UTF-8 JSON (a leading byte-order mark is skipped), no comments, no trailing
/// commas, no repeated property names, no unknown fields, rule ids unique, every rule compiled.
/// </summary>
internal static class PolicyReader
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    // What each field must hold, for messages clearer than "could not be converted to System.Nullable`1[...]".
    private static readonly FrozenDictionary<string, string> Expected = CreateExpected();

    /// <summary>Reads a whole policy file.</summary>
    /// <exception cref="PolicyFormatException">anything in the file is wrong, naming where</exception>
    public static PolicyContent Read(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (!Utf8.IsValid(utf8))
        {
            throw new PolicyFormatException("$", $"the file is not UTF-8 text (invalid bytes at offset {FirstInvalidByte(utf8)})");
        }

        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new PolicyFormatException("$", "the file is empty (a policy that allows nothing is { \"version\": 1, \"rules\": [] })");
        }

        // The version is checked before the shape, so a newer file is reported as newer, not as full of unknown fields.
        if (TryPeekVersion(utf8, out var version) && version != Policy.FormatVersion)
        {
            throw VersionNotSupported(version);
        }

        PolicyDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<PolicyDocument>(utf8, Options);
        }
        catch (JsonException error)
        {
            throw Locate(error, "$", id: null, withPosition: true);
        }

        if (document is null)
        {
            throw new PolicyFormatException("$", "the file holds null, not a policy { \"version\": 1, \"rules\": [...] }");
        }

        if (document.Version != Policy.FormatVersion)
        {
            throw VersionNotSupported(document.Version);
        }

        if (document.Rules is null)
        {
            throw new PolicyFormatException("$.rules", "must be a list of rules, found null");
        }

        var rules = new PolicyRule[document.Rules.Count];
        var compiled = new CompiledPolicyRule[document.Rules.Count];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < rules.Length; index++)
        {
            (rules[index], compiled[index]) = ReadRule(document.Rules[index], index, ids);
        }

        return new PolicyContent(document.Version, rules, compiled);
    }

    private static (PolicyRule Rule, CompiledPolicyRule Compiled) ReadRule(JsonElement element, int index, Dictionary<string, int> ids)
    {
        var where = $"$.rules[{index}]";
        var id = element.ValueKind is JsonValueKind.Object
            && element.TryGetProperty("id", out var written)
            && written.ValueKind is JsonValueKind.String
            && !string.IsNullOrWhiteSpace(written.GetString()) ? written.GetString() : null;
        try
        {
            var rule = element.Deserialize<PolicyRule>(Options)
                ?? throw new PolicyFormatException("$", "is null, not a rule");
            if (string.IsNullOrWhiteSpace(rule.Id))
            {
                throw new PolicyFormatException("$.id", "is required and must not be empty");
            }

            if (ids.TryGetValue(rule.Id, out var first))
            {
                throw new PolicyFormatException("$.id", $"'{rule.Id}' is already the id of $.rules[{first}]; ids must be unique");
            }

            ids.Add(rule.Id, index);
            return (rule, PolicyRuleCompiler.Compile(rule));
        }
        catch (JsonException error)
        {
            throw Locate(error, where, id, withPosition: false);
        }
        catch (PolicyFormatException error)
        {
            throw new PolicyFormatException(Place(where, error.Field, id), error.Detail);
        }
    }

    private static PolicyFormatException VersionNotSupported(int version) =>
        new("$.version", $"version {version} is not supported; this runtime reads version {Policy.FormatVersion}");

    // Finds the root object's "version" when it is a whole number, reading no further than needed.
    private static bool TryPeekVersion(ReadOnlySpan<byte> utf8, out int version)
    {
        version = 0;
        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read() || reader.TokenType is not JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType is JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("version"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isVersion)
                {
                    return reader.TokenType is JsonTokenType.Number && reader.TryGetInt32(out version);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the full read that follows reports it, with its position.
            return false;
        }

        return false;
    }

    // Positions are kept only for the outer read, whose input is the file itself (an inner read sees a copy of one rule).
    private static PolicyFormatException Locate(JsonException error, string where, string? id, bool withPosition)
    {
        var path = error.Path ?? "$";
        var detail = Explain(error.Message, path);
        if (withPosition && error.LineNumber is { } line && error.BytePositionInLine is { } column)
        {
            detail += $" (line {line + 1}, byte {column + 1})";
        }

        return new PolicyFormatException(Place(where, path, id), detail);
    }

    // "$.rules[2]" + "$.arguments[0].pattern" + "names" -> "$.rules[2].arguments[0].pattern (rule 'names')".
    private static string Place(string where, string relative, string? id)
    {
        var path = relative.Length > 1 && relative[0] == '$' ? where + relative[1..] : where;
        return id is null ? path : $"{path} (rule '{id}')";
    }

    private static string Explain(string message, string path)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var line = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        cut = cut < 0 ? line : (line < 0 ? cut : Math.Min(cut, line));
        var plain = (cut < 0 ? message : message[..cut]).Replace(" Change the reader options.", "", StringComparison.Ordinal).TrimEnd(' ', '|');
        var field = LastName(path);
        const string duplicate = "Duplicate property '";
        if (plain.StartsWith(duplicate, StringComparison.Ordinal))
        {
            var name = plain[duplicate.Length..plain.IndexOf('\'', duplicate.Length)];
            return $"property '{name}' is written twice in one object (repeated properties are errors, not last-one-wins)";
        }

        if (plain.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "is not a known field (unknown fields are errors, so that a misspelt condition cannot widen a rule)";
        }

        const string missing = "missing required properties including: ";
        var at = plain.IndexOf(missing, StringComparison.Ordinal);
        if (at >= 0)
        {
            return "lacks the required field " + plain[(at + missing.Length)..].TrimEnd('.');
        }

        if (plain.Contains("could not be converted to", StringComparison.Ordinal))
        {
            return Expected.TryGetValue(field, out var expected) ? expected : $"has the wrong JSON type ({plain})";
        }

        return plain;
    }

    // "$.rules[3].effects_any[0]" -> "effects_any".
    private static string LastName(string path)
    {
        var end = path.Length;
        while (end > 0 && path[end - 1] == ']')
        {
            var open = path.LastIndexOf('[', end - 1);
            if (open < 0)
            {
                break;
            }

            end = open;
        }

        var dot = path.LastIndexOf('.', Math.Max(end - 1, 0));
        return dot < 0 ? path[..end] : path[(dot + 1)..end];
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var chars = new char[utf8.Length];
        Utf8.ToUtf16(utf8, chars, out var read, out _, replaceInvalidSequences: false);
        return read;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        // The agents' strict conventions, and a repeated property is an error rather than the last one winning.
        var options = new JsonSerializerOptions(AgentJson.Options) { AllowDuplicateProperties = false };
        options.MakeReadOnly();
        return options;
    }

    private static FrozenDictionary<string, string> CreateExpected()
    {
        const string names = "must be a list of names (strings)";
        const string text = "must be a string";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["$"] = "must be a JSON object",
            ["id"] = text,
            ["description"] = text,
            ["path"] = text,
            ["inside_folder"] = text,
            ["pattern"] = text,
            ["version"] = $"must be the whole number {Policy.FormatVersion}",
            ["rules"] = "must be a list of rule objects",
            ["target"] = "must be one of " + Choices<PolicyTarget>(),
            ["decision"] = "must be one of " + Choices<PolicyVerdict>(),
            ["effects_any"] = "must be a list of effects, each one of " + Choices<ToolEffects>(skipZero: true),
            ["risk_at_most"] = "must be one of " + Choices<RiskLevel>(),
            ["risk_at_least"] = "must be one of " + Choices<RiskLevel>(),
            ["classification_at_most"] = "must be one of " + Choices<DataClassification>(),
            ["classification_at_least"] = "must be one of " + Choices<DataClassification>(),
            ["localities"] = "must be a list of localities, each one of " + Choices<RouteLocality>(),
            ["tools"] = names,
            ["scopes"] = names,
            ["tenants"] = names,
            ["actors"] = names,
            ["routes"] = names,
            ["arguments"] = "must be a list of argument constraints (objects)",
            ["one_of"] = "must be a list of JSON values",
            ["max"] = "must be a number",
            ["min"] = "must be a number",
        }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string Choices<T>(bool skipZero = false)
        where T : struct, Enum
    {
        var names = new List<string>();
        foreach (var value in Enum.GetValues<T>())
        {
            // A flag set's zero (ToolEffects.None) is no effect a rule can name.
            if (!skipZero || !EqualityComparer<T>.Default.Equals(value, default))
            {
                names.Add(PolicyRuleCompiler.Snake(value));
            }
        }

        return string.Join(", ", names);
    }
}
