namespace Strata.Cluster.Routing;

internal static class Placeholder
{
}
