// A model with fewer replicas than nodes: placed on as many as it asks, and re-placed on a survivor when a holder leaves.
using System.Net;
using System.Text.Json;
using Strata.Serving;

namespace Strata.Cluster.Tests;

public sealed class ClusterPlacementTests
{
    private static async Task<List<string>> Holders(ClusterNodes nodes, int via)
    {
        using var client = ClusterNodes.Client(nodes.Url(via));
        using var status = JsonDocument.Parse(await client.GetStringAsync(new Uri("/v1/strata/cluster", UriKind.Relative)));
        var models = status.RootElement.GetProperty("models");
        return models.GetArrayLength() == 0 ? [] : [.. models[0].GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("url").GetString()!)];
    }

    [Fact]
    public async Task TwoReplicasOnThreeNodesAreRePlacedWhenAHolderLeaves()
    {
        var models = new[] { new ModelConfig { Name = ClusterNodes.Model, Path = ClusterNodes.ModelPath, Replicas = 2 } };
        await using var nodes = await ClusterNodes.StartAsync(3, routing: "round_robin", models: models, replicas: 2);
        var holders = await Holders(nodes, 0);
        Assert.Equal(2, holders.Count);

        // Any node serves, the one without a replica by forwarding.
        for (int i = 0; i < 3; i++)
        {
            using var client = ClusterNodes.Client(nodes.Url(i));
            var body = JsonSerializer.Serialize(new { model = ClusterNodes.Model, prompt = "Once", max_tokens = 4 });
            using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        }

        // Stop a holder (not the localhost membership's primary, node 0): the node without a replica takes one.
        int leaver = Enumerable.Range(1, 2).First(i => holders.Contains(nodes.Url(i).TrimEnd('/')));
        string spare = Enumerable.Range(0, 3).Select(i => nodes.Url(i).TrimEnd('/')).Single(u => !holders.Contains(u));
        await nodes.StopAsync(leaver);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var now = await Holders(nodes, 0);
            if (now.Count == 2 && now.Contains(spare))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not re-placed in 60 s: holders {string.Join(", ", now)}, spare {spare}");
            await Task.Delay(200);
        }
    }
}
