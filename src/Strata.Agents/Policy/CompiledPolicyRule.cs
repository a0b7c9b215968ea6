// A policy rule compiled at load: each condition a cheap test, and the words a decision by it gives as its reason.
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// A <see cref="PolicyRule"/> ready to evaluate: name lists as sets, effects and localities as masks, arguments
/// as <see cref="ArgumentCheck"/>s. A null or empty condition matches anything.
/// </summary>
internal sealed class CompiledPolicyRule
{
    /// <summary>The rule's id.</summary>
    public required string Id { get; init; }

    /// <summary>Tool calls or model routes.</summary>
    public required PolicyTarget Target { get; init; }

    /// <summary>The verdict when it matches.</summary>
    public required PolicyVerdict Verdict { get; init; }

    /// <summary>The reason's start: <c>rule 'write-in-workspace' allows </c>.</summary>
    public required string ReasonPrefix { get; init; }

    /// <summary>The reason's end, after the subject's name: <c>: path inside /data</c>.</summary>
    public required string ReasonSuffix { get; init; }

    /// <summary>Tool names; null matches any.</summary>
    public NameMatcher? Tools { get; init; }

    /// <summary>Effects, any of which the tool must declare; <see cref="ToolEffects.None"/> matches any.</summary>
    public ToolEffects EffectsAny { get; init; }

    /// <summary>Scopes the tool's needed scope must be among; null matches any.</summary>
    public NameMatcher? Scopes { get; init; }

    /// <summary>Tenants; null matches any.</summary>
    public NameMatcher? Tenants { get; init; }

    /// <summary>Actors; null matches any.</summary>
    public NameMatcher? Actors { get; init; }

    /// <summary>Highest risk matched; null matches any.</summary>
    public RiskLevel? RiskAtMost { get; init; }

    /// <summary>Lowest risk matched; null matches any.</summary>
    public RiskLevel? RiskAtLeast { get; init; }

    /// <summary>Highest classification matched; null matches any.</summary>
    public DataClassification? ClassificationAtMost { get; init; }

    /// <summary>Lowest classification matched; null matches any.</summary>
    public DataClassification? ClassificationAtLeast { get; init; }

    /// <summary>Route names; null matches any.</summary>
    public NameMatcher? Routes { get; init; }

    /// <summary>Bit <c>1 &lt;&lt; locality</c> set for each locality matched; 0 matches any.</summary>
    public int LocalityMask { get; init; }

    /// <summary>Argument constraints, all of which must hold.</summary>
    public ArgumentCheck[] Arguments { get; init; } = [];

    /// <summary>The subject as a reason names it: the tool's name, or <c>route</c> and the route's name.</summary>
    public static string SubjectText(PolicySubject subject) => subject.Target switch
    {
        PolicyTarget.Tool => subject.Tool ?? "(unnamed tool)",
        PolicyTarget.Route => "route " + (subject.Route ?? "(unnamed)"),
        _ => $"target {subject.Target}",
    };

    /// <summary>True when the subject is of this rule's target and every condition holds.</summary>
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">an argument pattern ran too long</exception>
    public bool Matches(PolicySubject subject)
    {
        if (subject.Target != Target
            || (Tenants is not null && !Tenants.Matches(subject.Tenant))
            || (Actors is not null && !Actors.Matches(subject.Actor))
            || subject.Risk > RiskAtMost
            || subject.Risk < RiskAtLeast
            || subject.Classification > ClassificationAtMost
            || subject.Classification < ClassificationAtLeast)
        {
            return false;
        }

        return Target is PolicyTarget.Tool ? MatchesTool(subject) : MatchesRoute(subject);
    }

    /// <summary>This rule's decision about a subject it matches.</summary>
    public PolicyDecision Decide(PolicySubject subject) =>
        new(Verdict, Id, string.Concat(ReasonPrefix, SubjectText(subject), ReasonSuffix));

    private bool MatchesTool(PolicySubject subject)
    {
        if ((Tools is not null && !Tools.Matches(subject.Tool))
            || (EffectsAny != ToolEffects.None && (subject.Effects & EffectsAny) == 0)
            || (Scopes is not null && !Scopes.Matches(subject.ToolScope)))
        {
            return false;
        }

        foreach (var check in Arguments)
        {
            if (!check.Matches(subject.Arguments))
            {
                return false;
            }
        }

        return true;
    }

    private bool MatchesRoute(PolicySubject subject)
    {
        if (Routes is not null && !Routes.Matches(subject.Route))
        {
            return false;
        }

        // A locality outside the mask's 32 bits (an undefined enum value) never matches a locality condition.
        var bit = (uint)subject.Locality < 32 ? 1 << (int)subject.Locality : 0;
        return LocalityMask == 0 || (LocalityMask & bit) != 0;
    }
}
