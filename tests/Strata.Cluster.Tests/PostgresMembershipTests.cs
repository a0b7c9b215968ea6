// Three nodes on PostgreSQL membership (Orleans' ADO.NET clustering over Strata's own membership SQL).
using System.Net;
using System.Text.Json;
using Npgsql;
using Strata.Tests.Shared;

namespace Strata.Cluster.Tests;

public sealed class PostgresMembershipTests
{
    [Fact]
    public async Task ThreeNodesOnPostgresServeAndASurvivorSeesALeaver()
    {
        string database = await PostgresServer.CreateDatabaseAsync();
        await using var nodes = await ClusterNodes.StartAsync(3, membership: "postgres:" + database, routing: "round_robin");
        for (int i = 0; i < 6; i++)
        {
            using var client = ClusterNodes.Client(nodes.Url(i % 3));
            var body = JsonSerializer.Serialize(new { model = ClusterNodes.Model, prompt = "Once", max_tokens = 4 });
            using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        }

        // Orleans wrote the three silos through our queries.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM strata_membership WHERE Status = 3", connection);
            Assert.Equal(3L, (long)(await count.ExecuteScalarAsync())!);
        }

        await nodes.StopAsync(2);
        using var survivor = ClusterNodes.Client(nodes.Url(0));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var status = JsonDocument.Parse(await survivor.GetStringAsync(new Uri("/v1/strata/cluster", UriKind.Relative)));
            var models = status.RootElement.GetProperty("models");
            int replicas = models.GetArrayLength() == 0 ? 0 : models[0].GetProperty("replicas").GetArrayLength(); // a directory moved with the leaver starts empty
            int active = status.RootElement.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active");
            if (replicas == 2 && active == 2)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the leaver is still listed: {status.RootElement}");
            await Task.Delay(100);
        }

        for (int i = 0; i < 4; i++)
        {
            using var client = ClusterNodes.Client(nodes.Url(i % 2));
            var body = JsonSerializer.Serialize(new { model = ClusterNodes.Model, prompt = "Once", max_tokens = 4 });
            using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        }
    }

    [Fact]
    public async Task EvidenceOutlivesTheNodeThatServedTheRequest()
    {
        string database = await PostgresServer.CreateDatabaseAsync();
        await using var nodes = await ClusterNodes.StartAsync(3, membership: "postgres:" + database, routing: "round_robin");
        var traces = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            using var client = ClusterNodes.Client(nodes.Url(0));
            var body = JsonSerializer.Serialize(new { model = ClusterNodes.Model, prompt = "Once", max_tokens = 4 });
            using var reply = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
            traces.Add(reply.Headers.GetValues("X-Strata-Trace-Id").Single());
        }

        // Round robin served one request on each node; the archive writes in the background.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (true)
            {
                await using var count = new NpgsqlCommand("SELECT count(*) FROM strata_evidence WHERE tenant = 'local'", connection);
                if ((long)(await count.ExecuteScalarAsync())! == 3)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "the three records did not reach strata_evidence");
                await Task.Delay(100);
            }
        }

        await nodes.StopAsync(2);
        await nodes.StopAsync(1);
        using var survivor = ClusterNodes.Client(nodes.Url(0));
        foreach (string trace in traces)
        {
            using var found = await survivor.GetAsync(new Uri("/v1/strata/evidence/" + trace, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, found.StatusCode); // two of them were served by nodes that are gone
            using var record = JsonDocument.Parse(await found.Content.ReadAsStringAsync());
            Assert.Equal(trace, record.RootElement.GetProperty("trace_id").GetString());
        }
    }

    [Fact]
    public async Task TheSchemaIsCreatedOnceWhenNodesStartTogether()
    {
        string database = await PostgresServer.CreateDatabaseAsync();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresMembershipSchema.EnsureAsync(database)));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM OrleansQuery", connection);
        Assert.Equal(9L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public void MembershipIsParsedOrRefusedClearly()
    {
        Assert.Equal(new LocalhostMembership(11111), MembershipSpec.Parse("localhost:11111"));
        Assert.IsType<PostgresMembership>(MembershipSpec.Parse("postgres:Host=127.0.0.1;Database=strata"));
        Assert.Equal("postgres:Host=127.0.0.1;Password=***", MembershipSpec.Parse("postgres:Host=127.0.0.1;Password=secret").ToString());
        Assert.Contains("primary silo port", Assert.Throws<ArgumentException>(() => MembershipSpec.Parse("localhost:x")).Message);
        Assert.Contains("neither", Assert.Throws<ArgumentException>(() => MembershipSpec.Parse("etcd:1")).Message);
        Assert.Contains("malformed", Assert.Throws<ArgumentException>(() => MembershipSpec.Parse("postgres:Nonsense=1")).Message);
    }
}
