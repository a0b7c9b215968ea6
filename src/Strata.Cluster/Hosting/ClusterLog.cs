// The cluster's log messages (category Strata.Cluster.*): what a node could not do and what it did instead.
using Microsoft.Extensions.Logging;

namespace Strata.Cluster;

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "tenant limits of '{Tenant}' could not be counted: {Error}")]
    public static partial void LimitsUncounted(this ILogger log, string tenant, string error);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "tenant '{Tenant}': a finished request could not be uncounted: {Error}")]
    public static partial void LeaveLost(this ILogger log, string tenant, string error);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "{What} not delivered: {Error}")]
    public static partial void NotDelivered(this ILogger log, string what, string error);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "router of '{Model}' unreachable ({Error}); serving here if this node can")]
    public static partial void RouterUnreachable(this ILogger log, string model, string error);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "node {Node} ({Url}) unreachable for '{Model}'; routing elsewhere")]
    public static partial void NodeUnreachable(this ILogger log, string node, string url, string model);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "placement: {Action} replica of '{Model}'")]
    public static partial void Placing(this ILogger log, string model, string action);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "placement: replica of '{Model}' not changed: {Error}")]
    public static partial void PlacementFailed(this ILogger log, string model, string error);
}
