// What a request offers the router: its tenant and the chained block hashes of its prompt's start.
namespace Strata.Cluster.Routing;

/// <summary>What a request offers the router.</summary>
/// <param name="Tenant">the request's tenant; prefix entries of two tenants never match each other</param>
/// <param name="Prefix">
/// the chained block hashes of the prompt's start, from <see cref="PrefixKey.Blocks"/> (element i names the whole
/// prefix up to block i); empty when the prompt is shorter than one block
/// </param>
public readonly record struct RouteQuery(string Tenant, ulong[] Prefix);
