// Only nodes may send node requests: with the cluster's secret they are served, without it a client's claim is refused.
using System.Net;
using System.Text;
using System.Text.Json;

namespace Strata.Cluster.Tests;

public sealed class NodeTrustTests
{
    private static StringContent Body() =>
        new(JsonSerializer.Serialize(new { model = ClusterNodes.Model, prompt = "Once", max_tokens = 4 }), Encoding.UTF8, "application/json");

    [Fact]
    public async Task WithASecretNodesForwardAndAClientsNodeClaimIsRefused()
    {
        await using var nodes = await ClusterNodes.StartAsync(3, routing: "round_robin", secret: "s3cret-cluster");
        for (int i = 0; i < 6; i++)
        {
            using var client = ClusterNodes.Client(nodes.Url(0));
            using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Body());
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode); // four of the six were forwarded, with the secret
        }

        foreach (string? secret in new[] { null, "guess" })
        {
            using var forged = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = Body() };
            forged.Headers.Add(Forwarder.RoutedHeader, "127.0.0.1:1@1");
            if (secret is not null)
            {
                forged.Headers.Add(NodeTrust.SecretHeader, secret);
            }

            using var client = ClusterNodes.Client(nodes.Url(1));
            using var reply = await client.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
            Assert.Contains("not_a_node", await reply.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}
