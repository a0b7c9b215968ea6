// A tenant's limits are counted once for the cluster: a burst spread over three nodes meets the refusals one node gives.
using System.Net;
using System.Text.Json;
using Strata.Serving;

namespace Strata.Cluster.Tests;

public sealed class ClusterLimitsTests
{
    // 60 tokens a minute refill one token a second: a burst of requests of 20 tokens each is admitted three times, then
    // refused until the bucket has refilled (the burst takes a few seconds, a few tokens at most).
    private static readonly ServerConfig Limited = new()
    {
        Tenants = [new TenantConfig { Name = "acme", ApiKeys = ["sk-acme"], TokensPerMinute = 60 }],
    };

    private static async Task<List<HttpStatusCode>> Burst(ClusterNodes nodes, int requests)
    {
        var statuses = new List<HttpStatusCode>();
        int count = nodes.Servers.Count;
        for (int i = 0; i < requests; i++)
        {
            using var client = ClusterNodes.Client(nodes.Url(i % count), "sk-acme");
            // "Hello" is a few tokens with BOS in stories260K's vocabulary: with max_tokens 15 a request costs under 20.
            var body = JsonSerializer.Serialize(new { model = ClusterNodes.Model, prompt = "Hello", max_tokens = 15, temperature = 0 });
            using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            statuses.Add(reply.StatusCode);
            if (reply.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains("tenant_token_limit", await reply.Content.ReadAsStringAsync());
            }
        }

        return statuses;
    }

    [Fact]
    public async Task ABurstOverThreeNodesGetsTheRefusalsOfOneNode()
    {
        List<HttpStatusCode> one, three;
        await using (var single = await ClusterNodes.StartAsync(1, server: Limited, routing: "round_robin"))
        {
            one = await Burst(single, 6);
        }

        await using (var nodes = await ClusterNodes.StartAsync(3, server: Limited, routing: "round_robin"))
        {
            three = await Burst(nodes, 6);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests,
            HttpStatusCode.TooManyRequests], one);
        Assert.Equal(one, three);
    }
}
