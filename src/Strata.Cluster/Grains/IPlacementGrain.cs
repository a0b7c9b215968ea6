// Which nodes hold a replica of each model: as many as the model asks, within each node's memory budget.
namespace Strata.Cluster;

/// <summary>A model of a node's catalog (the config's models, the same on every node).</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogModel
{
    /// <summary>The served name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Nodes that should hold a replica; 0 = every node.</summary>
    [Id(1)] public int Replicas { get; init; }

    /// <summary>What a replica takes of a node's budget (the file's size, MiB).</summary>
    [Id(2)] public int SizeMib { get; init; }
}

/// <summary>What a node can hold and holds.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeCapacity
{
    /// <summary>The node.</summary>
    [Id(0)] public required string NodeId { get; init; }

    /// <summary>Its memory budget for replicas (MiB); 0 = no limit.</summary>
    [Id(1)] public int BudgetMib { get; init; }

    /// <summary>Models it holds or is loading.</summary>
    [Id(2)] public IReadOnlyList<string> Held { get; init; } = [];

    /// <summary>Its catalog.</summary>
    [Id(3)] public IReadOnlyList<CatalogModel> Catalog { get; init; } = [];

    /// <summary>Requests running and waiting on it now.</summary>
    [Id(4)] public int Load { get; init; }
}

/// <summary>
/// One per cluster (key 0). Keeps, per model, an ordered list of the nodes assigned a replica: sticky (a live node keeps
/// its replicas), refilled from the survivors when a node leaves or dies (those already holding the model first, then the
/// least loaded with room in their budget), trimmed from the end when there are more than the model asks. Soft state:
/// a new activation rebuilds it from what the nodes hold.
/// </summary>
public interface IPlacementGrain : IGrainWithIntegerKey
{
    /// <summary>Records the node's capacity and returns the models it should hold.</summary>
    Task<IReadOnlyList<string>> Assign(NodeCapacity node);
}
