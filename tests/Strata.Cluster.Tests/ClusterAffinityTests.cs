// Prefix affinity keeps a shared prompt's blocks cached where its requests go; round robin spreads them and pays again.
using System.Net;
using System.Text.Json;

namespace Strata.Cluster.Tests;

public sealed class ClusterAffinityTests
{
    // Four long shared prefixes (as system prompts or documents), each asked four times with a different question.
    private static readonly string[] Documents = [.. Enumerable.Range(0, 4).Select(d =>
        string.Join(' ', Enumerable.Repeat($"Story {d}: the little {(d % 2 == 0 ? "cat" : "dog")} named Tom{d} went to the park with Lily and Ben.", 6)))];

    private static async Task<long> HitBlocks(ClusterNodes nodes)
    {
        using var client = ClusterNodes.Client(nodes.Url(0));
        using var status = JsonDocument.Parse(await client.GetStringAsync(new Uri("/v1/strata/cluster", UriKind.Relative)));
        long hits = 0;
        foreach (var r in status.RootElement.GetProperty("models")[0].GetProperty("replicas").EnumerateArray())
        {
            hits += r.GetProperty("prefix_cache_hit_blocks").GetInt64();
        }

        return hits;
    }

    private static async Task<long> Run(string routing)
    {
        await using var nodes = await ClusterNodes.StartAsync(3, routing: routing);
        int i = 0;
        for (int round = 0; round < 4; round++)
        {
            foreach (string document in Documents)
            {
                using var client = ClusterNodes.Client(nodes.Url(i++ % 3));
                var body = JsonSerializer.Serialize(new { model = ClusterNodes.Model, prompt = document + $" Question {round}: who?", max_tokens = 4, temperature = 0 });
                using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            }
        }

        await Task.Delay(300); // one report interval (100 ms) and more: the status shows the last requests' hits
        return await HitBlocks(nodes);
    }

    [Fact]
    public async Task PrefixAffinityHitsMoreCachedBlocksThanRoundRobin()
    {
        long affinity = await Run("prefix_affinity");
        long roundRobin = await Run("round_robin");
        // Affinity: each document misses once and hits on its three repeats. Round robin: sixteen requests over three
        // replicas, so each document's repeats land on replicas that have not seen it yet.
        Assert.True(affinity > roundRobin, $"prefix affinity hit {affinity} blocks, round robin {roundRobin}");
        Assert.True(affinity > 0);
    }
}
