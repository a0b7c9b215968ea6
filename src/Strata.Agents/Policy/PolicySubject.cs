// What a policy decision is asked about: a tool call or a model route, with the task's authority around it.
using System.Text.Json;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>What a rule can target; persisted by name, values append-only.</summary>
public enum PolicyTarget
{
    /// <summary>A tool call (and a compensation, which is one).</summary>
    Tool = 0,

    /// <summary>The choice of a model route.</summary>
    Route = 1,
}

/// <summary>Where a model route runs; persisted by name, values append-only.</summary>
public enum RouteLocality
{
    /// <summary>The model runs in this process (Strata's engine): data never leaves it.</summary>
    InProcess = 0,

    /// <summary>The model is reached over the network (a Strata server or an OpenAI-compatible endpoint).</summary>
    Remote = 1,
}

/// <summary>
/// The question put to <see cref="Policy.Decide"/>. The task's fields are always set; the tool fields when
/// <see cref="Target"/> is <see cref="PolicyTarget.Tool"/>, the route fields when it is <see cref="PolicyTarget.Route"/>.
/// </summary>
public sealed record PolicySubject
{
    /// <summary>The subject of a task's call or route, with the task's authority filled in from its contract.</summary>
    public static PolicySubject ForTask(TaskContract contract, PolicyTarget target) => new()
    {
        Target = target,
        Tenant = contract.Tenant,
        Actor = contract.Actor,
        Risk = contract.Risk,
        Classification = contract.Classification,
        Scopes = contract.Scopes,
    };

    /// <summary>Tool call or model route.</summary>
    public required PolicyTarget Target { get; init; }

    /// <summary>The task's tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>The task's actor.</summary>
    public required string Actor { get; init; }

    /// <summary>The task's risk.</summary>
    public RiskLevel Risk { get; init; }

    /// <summary>The task's classification.</summary>
    public DataClassification Classification { get; init; }

    /// <summary>The scopes the task's contract grants.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The tool's name.</summary>
    public string? Tool { get; init; }

    /// <summary>The tool's declared effects.</summary>
    public ToolEffects Effects { get; init; }

    /// <summary>The scope the tool needs.</summary>
    public string? ToolScope { get; init; }

    /// <summary>The call's arguments (a JSON object).</summary>
    public JsonElement? Arguments { get; init; }

    /// <summary>The route's name.</summary>
    public string? Route { get; init; }

    /// <summary>Where the route runs.</summary>
    public RouteLocality Locality { get; init; }
}

/// <summary>The three answers a policy gives; persisted by name, values append-only.</summary>
public enum PolicyVerdict
{
    /// <summary>Refused.</summary>
    Deny = 0,

    /// <summary>Permitted.</summary>
    Allow = 1,

    /// <summary>Permitted once a person approves this exact call.</summary>
    RequireApproval = 2,
}

/// <summary>A policy decision and the rule that made it.</summary>
/// <param name="Verdict">Allow, deny, or require approval.</param>
/// <param name="Rule">
/// Id of the rule that matched, or a built-in reason: <c>default-deny</c> (nothing matched),
/// <c>policy-unreadable</c>, <c>contract:*</c> (the contract lacks the authority), <c>boundary:*</c> (a data boundary).
/// </param>
/// <param name="Reason">Why, in words.</param>
public sealed record PolicyDecision(PolicyVerdict Verdict, string Rule, string Reason);
