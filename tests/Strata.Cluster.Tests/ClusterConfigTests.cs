// The cluster's settings from the config file and the environment, and the errors that name what is wrong.
using Strata.Serving;

namespace Strata.Cluster.Tests;

public sealed class ClusterConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("strata-cluster-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string json)
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void TheConfigFilesClusterObjectIsReadAndTheEnvironmentOverridesIt()
    {
        string file = Write("""
            {"models": [{"name": "smol@v1", "path": "a.gguf", "replicas": 2}],
             "cluster": {"cluster_id": "prod", "silo_port": 12000, "membership": "localhost:12000", "routing": "least_loaded",
                         "load_bound": 2, "memory_budget_mib": 4096, "admin_api_keys": ["sk-admin"]}}
            """);
        var config = ServerConfig.Load([file], new Dictionary<string, string?> { ["STRATA__CLUSTER__ROUTING"] = "round_robin" });
        Assert.True(config.Cluster.Enabled);
        Assert.Equal("prod", config.Cluster.ClusterId);
        Assert.Equal(12000, config.Cluster.SiloPort);
        Assert.Equal("round_robin", config.Cluster.Routing);
        Assert.Equal(2, config.Cluster.LoadBound);
        Assert.Equal(4096, config.Cluster.MemoryBudgetMib);
        Assert.Equal(["sk-admin"], config.Cluster.AdminApiKeys);
        Assert.Equal(2, config.Models[0].Replicas);
        Assert.False(ServerConfig.Load([Write("{}")], new Dictionary<string, string?>()).Cluster.Enabled);
    }

    [Theory]
    [InlineData("""{"cluster": {"cluster_id": "x", "membership": "localhost:1", "nodes": 3}}""", "cluster.nodes")]
    [InlineData("""{"cluster": {"cluster_id": "x y", "membership": "localhost:1"}}""", "cluster id 'x y'")]
    [InlineData("""{"cluster": {"cluster_id": "x", "membership": "zookeeper:1"}}""", "neither localhost")]
    [InlineData("""{"cluster": {"cluster_id": "x", "membership": "localhost:1", "routing": "random"}}""", "routing 'random'")]
    [InlineData("""{"cluster": {"cluster_id": "x", "membership": "localhost:1", "silo_port": 70000}}""", "silo port")]
    [InlineData("""{"cluster": {"cluster_id": "x", "membership": "localhost:1", "advertise_host": "example.com"}}""", "advertise host")]
    [InlineData("""{"models": [{"name": "m", "path": "m.gguf", "replicas": -1}]}""", "replicas")]
    public void AWrongSettingIsRefusedNamingIt(string json, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => ServerConfig.Load([Write(json)], new Dictionary<string, string?>()));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AClusterExtensionNeedsAClusterId() =>
        Assert.Contains("cluster id", Assert.Throws<ArgumentException>(() => ClusterExtension.Create(new ClusterConfig(), [])).Message);
}
