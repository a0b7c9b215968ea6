// Whether a request that says it was routed by a node really comes from one of the cluster's nodes.
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// Node-to-node requests carry <see cref="SecretHeader"/> with the cluster's shared secret (<c>cluster.secret</c>). A
/// request claiming to be routed (<see cref="Forwarder.RoutedHeader"/>) is trusted only with the right secret, or, on a
/// cluster without one, only from a loopback address (one machine); otherwise it is refused (403), so a client can neither
/// skip routing nor write its own evidence's cluster section, and nodes whose secrets differ say so instead of routing a
/// request back and forth.
/// </summary>
internal sealed class NodeTrust(ClusterConfig config)
{
    /// <summary>The header holding the cluster's secret on node-to-node requests.</summary>
    public const string SecretHeader = "X-Strata-Cluster-Secret";

    private readonly byte[]? _secret = config.Secret.Length > 0 ? Encoding.UTF8.GetBytes(config.Secret) : null;

    /// <summary>The secret to send, or null when the cluster has none.</summary>
    public string? Secret => _secret is null ? null : config.Secret;

    /// <summary>True when the request was routed by a node; false when it does not claim to be (its node headers removed).</summary>
    /// <exception cref="ApiError">403: it claims to come from a node without the cluster's secret</exception>
    public bool IsRoutedByNode(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (!headers.ContainsKey(Forwarder.RoutedHeader))
        {
            headers.Remove(RouteEvidence.Header);
            headers.Remove(SecretHeader);
            return false;
        }

        bool trusted = _secret is null
            ? context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
            : headers[SecretHeader] is [{ } given] && CryptographicOperations.FixedTimeEquals(_secret, Encoding.UTF8.GetBytes(given));
        headers.Remove(SecretHeader);
        return trusted ? true : throw new ApiError(403, _secret is null
                ? $"'{Forwarder.RoutedHeader}' is for the cluster's nodes, and this cluster has no secret, so only from this machine; set cluster.secret on every node"
                : $"'{Forwarder.RoutedHeader}' is for the cluster's nodes: the request lacks the cluster's secret or it differs from this node's (cluster.secret)",
            "permission_error", null, "not_a_node");
    }
}
