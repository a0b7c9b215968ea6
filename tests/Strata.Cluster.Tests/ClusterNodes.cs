// N `strata serve` nodes in this process, each its own ASP.NET Core host and Orleans silo, on free loopback ports.
using System.Net;
using System.Net.Sockets;
using Strata.Engine.Tests;
using Strata.Serving;

namespace Strata.Cluster.Tests;

/// <summary>A cluster of real servers on 127.0.0.1 (Kestrel and silo ports chosen free), disposed together.</summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    public const string Model = "stories";

    private ClusterNodes(List<StrataServer?> servers, List<ClusterConfig> configs)
    {
        Servers = servers;
        Configs = configs;
    }

    public static string ModelPath => SharedModels.File("stories260K.gguf");

    public List<StrataServer?> Servers { get; }

    public List<ClusterConfig> Configs { get; }

    public string Url(int node) => Servers[node]!.Urls[0];

    /// <summary>Starts <paramref name="count"/> nodes; the first is the primary of localhost membership.</summary>
    public static async Task<ClusterNodes> StartAsync(int count, string? membership = null, ServerConfig? server = null, string routing = "prefix_affinity",
        IReadOnlyList<ModelConfig>? models = null, int? replicas = null, string secret = "")
    {
        models ??= [new ModelConfig { Name = Model, Path = ModelPath }];
        int[] ports = FreePorts(count);
        membership ??= $"localhost:{ports[0]}";
        var servers = new List<StrataServer?>();
        var configs = new List<ClusterConfig>();
        var nodes = new ClusterNodes(servers, configs);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var cluster = new ClusterConfig
                {
                    ClusterId = "test-" + ports[0],
                    SiloPort = ports[i],
                    Membership = membership,
                    Routing = routing,
                    ReportIntervalMs = 100,
                    Secret = secret,
                };
                configs.Add(cluster);
                var config = (server ?? new ServerConfig()) with { Threads = 1, Cluster = cluster, ShutdownDrainMs = 0 };
                servers.Add(await StrataServer.StartAsync(models, ["http://127.0.0.1:0"], config,
                    ClusterExtension.Create(cluster, models)));
            }

            await nodes.WaitForNodes(replicas ?? count, server?.Tenants.FirstOrDefault()?.ApiKeys[0], models.Count);
            return nodes;
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every live node's status lists <paramref name="count"/> replicas of each model.</summary>
    public async Task WaitForNodes(int count, string? apiKey = null, int modelCount = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var s in Servers)
        {
            if (s is null)
            {
                continue;
            }

            using var client = Client(s.Urls[0], apiKey);
            while (true)
            {
                using var status = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/v1/strata/cluster", UriKind.Relative)));
                var models = status.RootElement.GetProperty("models");
                if (models.GetArrayLength() == modelCount && models.EnumerateArray().All(m => m.GetProperty("replicas").GetArrayLength() == count))
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"the cluster did not list {count} replicas in 60 s: {status.RootElement}");
                await Task.Delay(100);
            }
        }
    }

    public static HttpClient Client(string url, string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>Stops one node (gracefully: it says it leaves).</summary>
    public async Task StopAsync(int node)
    {
        if (Servers[node] is { } s)
        {
            Servers[node] = null;
            await s.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Later nodes first: the localhost membership's primary goes last.
        for (int i = Servers.Count - 1; i >= 0; i--)
        {
            await StopAsync(i);
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var l = new TcpListener(IPAddress.Loopback, 0);
                l.Start();
                listeners.Add(l);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var l in listeners)
            {
                l.Stop();
            }
        }
    }
}
