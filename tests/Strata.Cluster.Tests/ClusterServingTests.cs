// Three nodes as one service: any node serves, status lists all, evidence is found from any node for its tenant only.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Serving;

namespace Strata.Cluster.Tests;

public sealed class ClusterServingTests
{
    private static StringContent Completion(string prompt, int maxTokens = 8) =>
        new(JsonSerializer.Serialize(new { model = ClusterNodes.Model, prompt, max_tokens = maxTokens, temperature = 0 }), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task ThreeNodesServeFromAnyNodeAndListEachOther()
    {
        await using var nodes = await ClusterNodes.StartAsync(3, routing: "round_robin");
        string? text = null;
        for (int i = 0; i < 9; i++)
        {
            using var client = ClusterNodes.Client(nodes.Url(i % 3));
            using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Completion("Once upon a time"));
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            using var json = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
            string got = json.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
            Assert.Equal(text ??= got, got); // greedy: the same text whichever replica served it
        }

        using var status = ClusterNodes.Client(nodes.Url(1));
        using var doc = JsonDocument.Parse(await status.GetStringAsync(new Uri("/v1/strata/cluster", UriKind.Relative)));
        var silos = doc.RootElement.GetProperty("silos").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "active").ToList();
        Assert.Equal(3, silos.Count);
        Assert.All(silos, s => Assert.Equal(ClusterNodes.Model, s.GetProperty("models")[0].GetString()));
        var replicas = doc.RootElement.GetProperty("models")[0].GetProperty("replicas").EnumerateArray().ToList();
        Assert.Equal(3, replicas.Count);
        // Round robin over three replicas: nine requests, three each, whichever node they arrived at.
        Assert.All(replicas, r => Assert.Equal(3, r.GetProperty("routed").GetInt64()));
    }

    [Fact]
    public async Task EvidenceIsFoundFromAnyNodeForItsTenantOnly()
    {
        var config = new ServerConfig
        {
            Tenants =
            [
                new TenantConfig { Name = "acme", ApiKeys = ["sk-acme"] },
                new TenantConfig { Name = "globex", ApiKeys = ["sk-globex"] },
            ],
        };
        await using var nodes = await ClusterNodes.StartAsync(3, server: config, routing: "round_robin");
        var traces = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            using var client = ClusterNodes.Client(nodes.Url(0), "sk-acme");
            using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Completion("The dog"));
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            traces.Add(reply.Headers.GetValues("X-Strata-Trace-Id").Single());
        }

        foreach (string trace in traces)
        {
            for (int node = 0; node < 3; node++)
            {
                using var acme = ClusterNodes.Client(nodes.Url(node), "sk-acme");
                using var found = await acme.GetAsync(new Uri("/v1/strata/evidence/" + trace, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, found.StatusCode);
                using var record = JsonDocument.Parse(await found.Content.ReadAsStringAsync());
                Assert.Equal("acme", record.RootElement.GetProperty("serving").GetProperty("tenant").GetString());

                using var globex = ClusterNodes.Client(nodes.Url(node), "sk-globex");
                using var refused = await globex.GetAsync(new Uri("/v1/strata/evidence/" + trace, UriKind.Relative));
                Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            }
        }
    }
}
