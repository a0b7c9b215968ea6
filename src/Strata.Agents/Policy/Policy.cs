// A policy rules file, loaded once and evaluated before every tool call and model route.
namespace Strata.Agents;

/// <summary>
/// The rules a task runs under. <see cref="Load"/> never throws: a missing, unreadable or invalid file gives a
/// policy that denies everything, with <see cref="Problem"/> saying why.
/// </summary>
public sealed class Policy
{
    private Policy(string origin, string sha256, string? problem)
    {
        Origin = origin;
        Sha256 = sha256;
        Problem = problem;
    }

    /// <summary>Where the rules came from (a path, or <c>inline</c>).</summary>
    public string Origin { get; }

    /// <summary>SHA-256 of the rules text (of nothing, when it could not be read).</summary>
    public string Sha256 { get; }

    /// <summary>Why the policy denies everything; null when the rules were read.</summary>
    public string? Problem { get; }

    /// <summary>Reads a rules file; a problem gives a deny-all policy.</summary>
    public static Policy Load(string path) => throw new NotImplementedException(path);

    /// <summary>Parses rules from JSON text; a problem gives a deny-all policy.</summary>
    public static Policy FromJson(string json, string origin = "inline") => throw new NotImplementedException(json + origin);

    /// <summary>A policy that denies everything, for a reason.</summary>
    public static Policy DenyAll(string reason) => new("none", new string('0', 64), reason);

    /// <summary>Decides a subject: the first matching rule's verdict, or deny when none matches.</summary>
    public PolicyDecision Decide(PolicySubject subject) =>
        new(PolicyVerdict.Deny, "policy-unreadable", Problem ?? subject.Target.ToString());
}
