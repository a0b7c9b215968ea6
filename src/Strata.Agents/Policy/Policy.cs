// A policy rules file, loaded once and evaluated before every tool call and model route.
//
// Format (UTF-8 JSON, snake_case, strict: unknown fields, repeated properties, comments and trailing commas are errors):
//   { "version": 1, "rules": [
//       { "id": "write-in-workspace", "target": "tool", "decision": "allow", "description": "...",
//         "tools": ["fs.*"], "effects_any": ["write"], "scopes": ["fs.write"], "tenants": [...], "actors": [...],
//         "risk_at_most": "medium", "risk_at_least": "low", "classification_at_most": "internal",
//         "classification_at_least": "public",
//         "arguments": [ { "path": "path", "inside_folder": "/data" }, { "path": "size", "max": 1048576 },
//                        { "path": "mode", "equals": "append" }, { "path": "opts.level", "one_of": [1, 2] },
//                        { "path": "name", "pattern": "[a-z_]+" } ] },
//       { "id": "local-models", "target": "route", "decision": "allow", "routes": ["local-*"],
//         "localities": ["in_process"], "classification_at_most": "restricted" } ] }
// Rules are tried in file order and the first whose every given condition holds decides; none: deny ("default-deny").
// A file that cannot be read or checked gives a policy that denies everything ("policy-unreadable"), never an exception.
using System.Text;
using System.Text.RegularExpressions;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// The rules a task runs under, read from a policy file (see <see cref="PolicyRule"/> for the conditions, and
/// <see cref="PolicyArgumentConstraint"/> for the argument tests). <see cref="Decide"/> tries the rules in file
/// order: the first rule whose target is the subject's and whose every given condition holds decides, and its id
/// is the decision's <see cref="PolicyDecision.Rule"/>; when none holds the answer is
/// <see cref="PolicyVerdict.Deny"/> with rule <c>default-deny</c>. <see cref="Load"/> never throws: a missing,
/// unreadable or invalid file (malformed JSON, an unknown field, a bad enum name, a duplicate rule id, an invalid
/// regular expression, a relative <c>inside_folder</c>, a version other than <see cref="FormatVersion"/>, a condition
/// that does not belong to the rule's target) gives a policy that denies everything with rule
/// <c>policy-unreadable</c>, with <see cref="Problem"/> naming the file, the JSON path and the rule. Rules are
/// compiled at load (name sets, masks, normalized folders, built regular expressions), so deciding is cheap.
/// </summary>
public sealed class Policy
{
    /// <summary>The rule id of the decision given when no rule matches.</summary>
    public const string DefaultDenyRule = "default-deny";

    /// <summary>The rule id of every decision of a policy that could not be read.</summary>
    public const string UnreadableRule = "policy-unreadable";

    /// <summary>The policy file format version this runtime reads.</summary>
    public const int FormatVersion = 1;

    private static readonly string EmptySha256 = EvidenceHash.Sha256Hex([]);

    private readonly CompiledPolicyRule[] _rules;
    private readonly string _unreadableReason;

    private Policy(string origin, string sha256, string problem)
    {
        Origin = origin;
        Sha256 = sha256;
        Problem = problem;
        Rules = [];
        _rules = [];
        _unreadableReason = problem + "; everything is denied";
    }

    private Policy(string origin, string sha256, PolicyContent content)
    {
        Origin = origin;
        Sha256 = sha256;
        Version = content.Version;
        Rules = content.Rules;
        _rules = content.Compiled;
        _unreadableReason = "";
    }

    /// <summary>Where the rules came from (a path, or <c>inline</c>).</summary>
    public string Origin { get; }

    /// <summary>
    /// SHA-256 (lowercase hex) of the rules file's bytes, or of the UTF-8 bytes of JSON text; of nothing when the file
    /// could not be read; 64 zeros for <see cref="DenyAll"/>.
    /// </summary>
    public string Sha256 { get; }

    /// <summary>Why the policy denies everything; null when the rules were read.</summary>
    public string? Problem { get; }

    /// <summary>The file's format version; null when the rules were not read.</summary>
    public int? Version { get; }

    /// <summary>The rules as written, in the order they are tried; empty when the rules were not read.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>Reads a rules file; a problem gives a deny-all policy whose <see cref="Problem"/> names it.</summary>
    public static Policy Load(string path)
    {
        var origin = string.IsNullOrEmpty(path) ? "(no path)" : path;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException
            or NotSupportedException or System.Security.SecurityException)
        {
            return new Policy(origin, EmptySha256, $"policy {origin}: cannot read the file: {error.Message}");
        }

        return FromUtf8(bytes, origin);
    }

    /// <summary>Parses rules from JSON text; a problem gives a deny-all policy whose <see cref="Problem"/> names it.</summary>
    public static Policy FromJson(string json, string origin = "inline") =>
        FromUtf8(Encoding.UTF8.GetBytes(json ?? ""), origin);

    /// <summary>A policy that denies everything, for a reason (its decisions' rule is <c>policy-unreadable</c>).</summary>
    public static Policy DenyAll(string reason) => new("none", new string('0', 64), reason);

    /// <summary>
    /// Decides a subject: the first matching rule's verdict, or deny (<c>default-deny</c>) when none matches. A rule
    /// whose argument pattern runs past one second denies the call, under that rule's id, rather than being skipped.
    /// </summary>
    public PolicyDecision Decide(PolicySubject subject)
    {
        if (Problem is not null)
        {
            return new PolicyDecision(PolicyVerdict.Deny, UnreadableRule, _unreadableReason);
        }

        foreach (var rule in _rules)
        {
            bool matches;
            try
            {
                matches = rule.Matches(subject);
            }
            catch (RegexMatchTimeoutException error)
            {
                var reason = $"rule '{rule.Id}' could not test {CompiledPolicyRule.SubjectText(subject)}: the pattern " +
                    $"'{error.Pattern}' took over {error.MatchTimeout.TotalSeconds:0.#} s, so the call is denied";
                return new PolicyDecision(PolicyVerdict.Deny, rule.Id, reason);
            }

            if (matches)
            {
                return rule.Decide(subject);
            }
        }

        return new PolicyDecision(
            PolicyVerdict.Deny,
            DefaultDenyRule,
            $"no rule of policy {Origin} matches {CompiledPolicyRule.SubjectText(subject)}, so it is denied");
    }

    private static Policy FromUtf8(byte[] bytes, string origin)
    {
        origin = string.IsNullOrEmpty(origin) ? "inline" : origin;
        var sha256 = EvidenceHash.Sha256Hex(bytes);
        try
        {
            return new Policy(origin, sha256, PolicyReader.Read(bytes));
        }
        catch (PolicyFormatException error)
        {
            return new Policy(origin, sha256, $"policy {origin}: {error.Message}");
        }
    }
}
