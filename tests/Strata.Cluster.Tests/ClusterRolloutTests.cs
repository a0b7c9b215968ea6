// Two versions of a model served at once: a 10% canary takes 10% of requests, a rollback takes it to 0%, and every
// request's evidence names the version that served it.
using System.Net;
using System.Text;
using System.Text.Json;
using Strata.Engine.Tests;
using Strata.Serving;

namespace Strata.Cluster.Tests;

public sealed class ClusterRolloutTests
{
    private static readonly ModelConfig[] Versions =
    [
        new() { Name = "smol@v1", Path = SharedModels.File("stories260K.gguf") },
        new() { Name = "smol@v2", Path = SharedModels.File("llama-2-tiny-random.gguf") },
    ];

    private static async Task<JsonElement> Change(HttpClient client, object change)
    {
        using var reply = await client.PostAsync(new Uri("/v1/strata/cluster/rollouts/smol", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(change), Encoding.UTF8, "application/json"));
        string text = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<(Dictionary<string, int> Served, List<string> Traces)> Send(ClusterNodes nodes, int requests)
    {
        var served = new Dictionary<string, int>(StringComparer.Ordinal);
        var traces = new List<string>();
        var clients = Enumerable.Range(0, 3).Select(i => ClusterNodes.Client(nodes.Url(i))).ToArray();
        try
        {
            for (int i = 0; i < requests; i++)
            {
                var body = JsonSerializer.Serialize(new { model = "smol", prompt = "Hi", max_tokens = 1 });
                using var reply = await clients[i % 3].PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
                using var json = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
                string model = json.RootElement.GetProperty("model").GetString()!;
                served[model] = served.GetValueOrDefault(model) + 1;
                if (i % 50 == 0)
                {
                    traces.Add(reply.Headers.GetValues("X-Strata-Trace-Id").Single() + " " + model);
                }
            }
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }

        return (served, traces);
    }

    [Fact]
    public async Task ACanaryAtTenPercentTakesTenPercentAndARollbackNone()
    {
        await using var nodes = await ClusterNodes.StartAsync(3, routing: "least_loaded", models: Versions);
        using var admin = ClusterNodes.Client(nodes.Url(1));
        await Change(admin, new { action = "promote", version = "smol@v1" });
        var view = await Change(admin, new { action = "canary", version = "smol@v2", percent = 10 });
        Assert.Equal("smol@v1", view.GetProperty("stable").GetString());

        var (served, traces) = await Send(nodes, 1000);
        Assert.True(served.ContainsKey("smol@v1") && served.ContainsKey("smol@v2"), string.Join(", ", served));
        Assert.InRange(served.GetValueOrDefault("smol@v2"), 70, 130); // the acceptance's 10% ± 3%; smooth weighted round robin gives 100
        Assert.Equal(1000 - served["smol@v2"], served["smol@v1"]);

        // Each request's evidence, read from any node, names the version that served it and the rollout that chose it.
        using var reader = ClusterNodes.Client(nodes.Url(2));
        foreach (string entry in traces)
        {
            var (trace, model) = (entry.Split(' ')[0], entry.Split(' ')[1]);
            using var record = JsonDocument.Parse(await reader.GetStringAsync(new Uri("/v1/strata/evidence/" + trace, UriKind.Relative)));
            Assert.Equal(model, record.RootElement.GetProperty("serving").GetProperty("model").GetString());
            Assert.True(record.RootElement.TryGetProperty("cluster", out var cluster), record.RootElement.ToString());
            Assert.Equal(model, cluster.GetProperty("rollout_version").GetString());
            Assert.Equal("smol", cluster.GetProperty("requested_model").GetString());
            Assert.Equal("smol@v1", cluster.GetProperty("rollout_stable").GetString());
            Assert.Equal("least_loaded", cluster.GetProperty("policy").GetString());
            Assert.False(string.IsNullOrEmpty(cluster.GetProperty("entry_node").GetString()));
            Assert.False(string.IsNullOrEmpty(cluster.GetProperty("served_node").GetString()));
        }

        await Change(admin, new { action = "rollback" });
        (served, _) = await Send(nodes, 100);
        Assert.Equal(100, served["smol@v1"]);
        Assert.False(served.ContainsKey("smol@v2"));

        using var state = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/v1/strata/cluster/rollouts/smol", UriKind.Relative)));
        var events = state.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["promote", "canary", "rollback"], events);
    }

    [Fact]
    public async Task InvalidChangesAreRefusedNamingWhy()
    {
        await using var nodes = await ClusterNodes.StartAsync(1, models: Versions);
        using var admin = ClusterNodes.Client(nodes.Url(0));
        async Task<string> Refused(object change)
        {
            using var reply = await admin.PostAsync(new Uri("/v1/strata/cluster/rollouts/smol", UriKind.Relative),
                new StringContent(JsonSerializer.Serialize(change), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
            return await reply.Content.ReadAsStringAsync();
        }

        Assert.Contains("no stable version", await Refused(new { action = "canary", version = "smol@v2", percent = 10 }));
        Assert.Contains("smol@VERSION", await Refused(new { action = "promote", version = "other@v1" }));
        await Change(admin, new { action = "promote", version = "smol@v1" });
        Assert.Contains("0 to 100", await Refused(new { action = "canary", version = "smol@v2", percent = 150 }));
        Assert.Contains("unknown", await Refused(new { action = "shuffle" }));
    }
}
