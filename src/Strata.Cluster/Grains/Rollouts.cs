// A model's rollout: its stable version, canary versions with their share of traffic (by default and per tenant), and
// every change made to it.
namespace Strata.Cluster;

/// <summary>A canary version's share of a scope's traffic.</summary>
[GenerateSerializer, Immutable]
public sealed record CanaryWeight
{
    /// <summary>The version's served name (as in <c>smol@v2</c>).</summary>
    [Id(0)] public required string Version { get; init; }

    /// <summary>Percent of the scope's requests, 0 to 100.</summary>
    [Id(1)] public int Percent { get; init; }

    /// <summary>The tenant this weight is for; null for every tenant without one of its own.</summary>
    [Id(2)] public string? Tenant { get; init; }
}

/// <summary>One change to a rollout, as the evidence keeps it.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutEvent
{
    /// <summary>When (UTC).</summary>
    [Id(0)] public DateTimeOffset At { get; init; }

    /// <summary>Who asked (the admin key's holder, or <c>local</c>).</summary>
    [Id(1)] public required string Actor { get; init; }

    /// <summary>canary, promote or rollback.</summary>
    [Id(2)] public required string Action { get; init; }

    /// <summary>The version changed (null for a rollback of every canary).</summary>
    [Id(3)] public string? Version { get; init; }

    /// <summary>The canary percent set (canary), else 0 or 100.</summary>
    [Id(4)] public int Percent { get; init; }

    /// <summary>The tenant scope; null for the default.</summary>
    [Id(5)] public string? Tenant { get; init; }

    /// <summary>The stable version after the change.</summary>
    [Id(6)] public string? Stable { get; init; }

    /// <summary>The trace id of the request that made the change.</summary>
    [Id(7)] public string? TraceId { get; init; }
}

/// <summary>A rollout's whole state.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutView
{
    /// <summary>The model name clients use (without a version).</summary>
    [Id(0)] public required string Model { get; init; }

    /// <summary>The version that takes what the canaries leave; null until one is promoted.</summary>
    [Id(1)] public string? Stable { get; init; }

    /// <summary>The canary weights, default scope first.</summary>
    [Id(2)] public IReadOnlyList<CanaryWeight> Canaries { get; init; } = [];

    /// <summary>Every change, oldest first (the last 1,000).</summary>
    [Id(3)] public IReadOnlyList<RolloutEvent> Events { get; init; } = [];
}

/// <summary>A change asked of a rollout.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutChange
{
    /// <summary>canary (set a version's percent), promote (make a version stable, clearing the scope's canaries) or rollback (clear the scope's canaries).</summary>
    [Id(0)] public required string Action { get; init; }

    /// <summary>The version (canary, promote).</summary>
    [Id(1)] public string? Version { get; init; }

    /// <summary>The percent (canary).</summary>
    [Id(2)] public int Percent { get; init; }

    /// <summary>The tenant scope; null for the default.</summary>
    [Id(3)] public string? Tenant { get; init; }

    /// <summary>Who asks.</summary>
    [Id(4)] public required string Actor { get; init; }

    /// <summary>The asking request's trace id.</summary>
    [Id(5)] public string? TraceId { get; init; }
}

/// <summary>The version a request goes to.</summary>
[GenerateSerializer, Immutable]
public sealed record RolloutPick
{
    /// <summary>The version's served name.</summary>
    [Id(0)] public required string Version { get; init; }

    /// <summary>The stable version.</summary>
    [Id(1)] public required string Stable { get; init; }

    /// <summary>The version's share of the scope's traffic.</summary>
    [Id(2)] public int Percent { get; init; }
}

/// <summary>A change the rollout refuses, with why (becomes a 400).</summary>
[GenerateSerializer]
public sealed class RolloutException : Exception
{
    /// <summary>A refusal naming what is wrong.</summary>
    public RolloutException(string message)
        : base(message)
    {
    }

    /// <summary>An empty refusal.</summary>
    public RolloutException()
    {
    }

    /// <summary>A refusal with its cause.</summary>
    public RolloutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
