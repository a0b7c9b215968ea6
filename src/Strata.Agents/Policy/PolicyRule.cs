// One rule of a policy file as written: its id, target, decision, and the conditions that must all hold.
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// A rule as written in a policy file (snake_case JSON, unknown fields rejected). A rule matches a
/// <see cref="PolicySubject"/> when the subject's <see cref="PolicySubject.Target"/> is <see cref="Target"/> and
/// every condition given holds; an absent (or null) condition matches anything, and an empty list is a load error
/// because it could match nothing. Tool conditions (<see cref="Tools"/>, <see cref="EffectsAny"/>,
/// <see cref="Scopes"/>, <see cref="Arguments"/>) are load errors on a route rule, and route conditions
/// (<see cref="Routes"/>, <see cref="Localities"/>) on a tool rule.
/// </summary>
public sealed record PolicyRule
{
    /// <summary>The rule's id, unique in its file; it is the <see cref="PolicyDecision.Rule"/> of every decision it makes.</summary>
    public required string Id { get; init; }

    /// <summary>What the rule decides about: tool calls or model routes.</summary>
    public required PolicyTarget Target { get; init; }

    /// <summary>The verdict when the rule matches (<c>allow</c>, <c>deny</c>, <c>require_approval</c>).</summary>
    public required PolicyVerdict Decision { get; init; }

    /// <summary>Why the rule exists, in words; quoted in the reason of every decision it makes.</summary>
    public string? Description { get; init; }

    /// <summary>Tool names, matched exactly; a trailing <c>*</c> matches by prefix (<c>fs.*</c>), a lone <c>*</c> any tool.</summary>
    public IReadOnlyList<string>? Tools { get; init; }

    /// <summary>Effects; matches when the tool declares any of them.</summary>
    public IReadOnlyList<ToolEffects>? EffectsAny { get; init; }

    /// <summary>Scopes; matches when the scope the tool needs is one of them (a tool that needs none never matches).</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>Tenants, matched exactly.</summary>
    public IReadOnlyList<string>? Tenants { get; init; }

    /// <summary>Actors, matched exactly.</summary>
    public IReadOnlyList<string>? Actors { get; init; }

    /// <summary>Matches tasks whose risk is this or lower.</summary>
    public RiskLevel? RiskAtMost { get; init; }

    /// <summary>Matches tasks whose risk is this or higher.</summary>
    public RiskLevel? RiskAtLeast { get; init; }

    /// <summary>Matches tasks whose classification is this or lower.</summary>
    public DataClassification? ClassificationAtMost { get; init; }

    /// <summary>Matches tasks whose classification is this or higher.</summary>
    public DataClassification? ClassificationAtLeast { get; init; }

    /// <summary>Route names, matched exactly; a trailing <c>*</c> matches by prefix, a lone <c>*</c> any route.</summary>
    public IReadOnlyList<string>? Routes { get; init; }

    /// <summary>Where the route runs (<c>in_process</c>, <c>remote</c>).</summary>
    public IReadOnlyList<RouteLocality>? Localities { get; init; }

    /// <summary>Constraints on the call's arguments; all must hold (tool rules only).</summary>
    public IReadOnlyList<PolicyArgumentConstraint>? Arguments { get; init; }
}
