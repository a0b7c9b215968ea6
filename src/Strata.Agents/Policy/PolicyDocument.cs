// The outer shape of a policy file: its format version and its rules, each read on its own so errors name the rule.
using System.Text.Json;

namespace Strata.Agents;

/// <summary>A policy file's root object, <c>{ "version": 1, "rules": [ ... ] }</c>; the rules are read one by one.</summary>
internal sealed record PolicyDocument
{
    /// <summary>The format version; only <see cref="Policy.FormatVersion"/> is read.</summary>
    public required int Version { get; init; }

    /// <summary>The rules, in file order, not yet read.</summary>
    public required IReadOnlyList<JsonElement> Rules { get; init; }
}
