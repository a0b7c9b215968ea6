// What nodes tell the grains and the grains answer: serialized between silos by Orleans.
namespace Strata.Cluster;

/// <summary>One replica's load and cache as its node reported it.</summary>
[GenerateSerializer, Immutable]
public sealed record ReplicaReport
{
    /// <summary>The served name (with its version, as in <c>smol@v2</c>).</summary>
    [Id(0)] public required string Model { get; init; }

    /// <summary>The model file's SHA-256.</summary>
    [Id(1)] public string FileSha256 { get; init; } = "";

    /// <summary>Sequences running.</summary>
    [Id(2)] public int Running { get; init; }

    /// <summary>Sequences waiting for a slot.</summary>
    [Id(3)] public int Waiting { get; init; }

    /// <summary>Running slots.</summary>
    [Id(4)] public int MaxRunning { get; init; }

    /// <summary>KV blocks in use.</summary>
    [Id(5)] public int UsedBlocks { get; init; }

    /// <summary>KV blocks in the pool.</summary>
    [Id(6)] public int TotalBlocks { get; init; }

    /// <summary>Prompt blocks looked up in the prefix cache so far.</summary>
    [Id(7)] public long LookupBlocks { get; init; }

    /// <summary>Of those, found cached.</summary>
    [Id(8)] public long HitBlocks { get; init; }
}

/// <summary>A node as it reported itself: its silo, where its HTTP API listens, and its replicas.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeReport
{
    /// <summary>The node's silo address (Orleans' parsable form): its identity in the cluster.</summary>
    [Id(0)] public required string NodeId { get; init; }

    /// <summary>The silo's name.</summary>
    [Id(1)] public string SiloName { get; init; } = "";

    /// <summary>The node's HTTP base address, as other nodes reach it.</summary>
    [Id(2)] public required string Url { get; init; }

    /// <summary>Its replicas.</summary>
    [Id(3)] public IReadOnlyList<ReplicaReport> Replicas { get; init; } = [];

    /// <summary>When the node sent it (UTC).</summary>
    [Id(4)] public DateTime At { get; init; }
}

/// <summary>A router's choice: the node to send the request to and why.</summary>
[GenerateSerializer, Immutable]
public sealed record RouteChoice
{
    /// <summary>The chosen node.</summary>
    [Id(0)] public required string NodeId { get; init; }

    /// <summary>Its HTTP base address.</summary>
    [Id(1)] public required string Url { get; init; }

    /// <summary>Prompt blocks the policy expects the replica to have cached.</summary>
    [Id(2)] public int MatchedBlocks { get; init; }

    /// <summary>The policy's reason (prefix_match, no_match, load_bound, round_robin, least_loaded).</summary>
    [Id(3)] public string Reason { get; init; } = "";
}

/// <summary>A replica as its router counts it, for the status page.</summary>
[GenerateSerializer, Immutable]
public sealed record RoutedReplica
{
    /// <summary>The node.</summary>
    [Id(0)] public required string NodeId { get; init; }

    /// <summary>Requests routed there and not yet done.</summary>
    [Id(1)] public int InFlight { get; init; }

    /// <summary>Requests routed there in all.</summary>
    [Id(2)] public long Routed { get; init; }
}

/// <summary>A tenant-limit refusal sent between silos (<see cref="Serving.Refusal"/> is not Orleans-serializable).</summary>
[GenerateSerializer, Immutable]
public sealed record TenantVerdict
{
    /// <summary>Machine-readable code.</summary>
    [Id(0)] public required string Code { get; init; }

    /// <summary>Which limit was hit.</summary>
    [Id(1)] public required string Message { get; init; }

    /// <summary>Seconds for Retry-After; 0 when retrying cannot help.</summary>
    [Id(2)] public int RetryAfterSeconds { get; init; }
}
