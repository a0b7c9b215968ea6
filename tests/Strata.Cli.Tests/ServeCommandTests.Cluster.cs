// Two `strata serve` processes as one cluster on PostgreSQL (membership and agent store): an agent task whose node is
// killed (SIGKILL) while it waits for an approval is approved through the other node, which takes it over and finishes
// it with every side effect exactly once.
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Strata.Tests.Shared;

namespace Strata.Cli.Tests;

public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_ClusterOnPostgres_AgentTaskOfAKilledNodeResumesOnTheOtherExactlyOnce()
    {
        var folder = Directory.CreateTempSubdirectory("strata-cluster-agents-").FullName;
        string database = await PostgresServer.CreateDatabaseAsync();
        var processes = new List<System.Diagnostics.Process>();
        try
        {
            var report = Path.Combine(folder, "report.txt");
            var done = Path.Combine(folder, "done.txt");
            File.WriteAllText(Path.Combine(folder, "policy.json"), """
                {"version": 1, "rules": [
                  {"id": "routes", "target": "route", "decision": "allow"},
                  {"id": "appends", "target": "tool", "tools": ["append_line"], "decision": "allow"},
                  {"id": "writes", "target": "tool", "tools": ["write_file"], "decision": "require_approval"}
                ]}
                """);
            File.WriteAllText(Path.Combine(folder, "script.json"), """
                {"turns": [
                  {"tool_calls": [{"name": "append_line", "arguments": {"path": "${input.report}", "line": "one"}}]},
                  {"tool_calls": [{"name": "write_file", "arguments": {"path": "${input.done}", "content": "done"}}]},
                  {"tool_calls": [{"name": "append_line", "arguments": {"path": "${input.report}", "line": "two"}}]}
                ], "final": "finished"}
                """);
            File.WriteAllText(Path.Combine(folder, "profile.json"), """
                {"policy": "policy.json", "routes": [{"name": "scripted", "kind": "scripted", "script": "script.json"}]}
                """);
            File.WriteAllText(Path.Combine(folder, "server.json"), """{"tenants": [{"name": "acme", "api_keys": ["sk-acme"]}]}""");
            int[] silo = [FreePort(), FreePort()];
            string[] Node(int i) =>
            [
                "--model", Stories, "--config", Path.Combine(folder, "server.json"), "--agent-profile", Path.Combine(folder, "profile.json"),
                "--agent-store", "postgres:" + database, "--cluster-id", "agents", "--silo-port", silo[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--membership", "postgres:" + database,
            ];
            var (a, urlA) = await StartServe(Node(0));
            processes.Add(a);
            var (b, urlB) = await StartServe(Node(1));
            processes.Add(b);

            using var viaA = Client(urlA);
            var contract = $$$"""
                {"tenant": "acme", "actor": "ana", "goal": "report, then mark done", "scopes": ["files.write"], "tools": ["append_line", "write_file"],
                 "inputs": {"report": {{{JsonSerializer.Serialize(report)}}}, "done": {{{JsonSerializer.Serialize(done)}}}}}
                """;
            using var submitted = await viaA.PostAsync("/v1/strata/tasks?wait=true", new StringContent(contract, Encoding.UTF8, "application/json"));
            var task = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement;
            Assert.True(submitted.StatusCode == HttpStatusCode.Created, task.ToString());
            Assert.Equal("waiting_approval", task.GetProperty("status").GetString());
            Assert.Equal("one\n", File.ReadAllText(report));
            string id = task.GetProperty("id").GetString()!;
            string approval = task.GetProperty("pending_approvals")[0].GetProperty("approval_id").GetString()!;

            a.Kill(entireProcessTree: true); // SIGKILL: no drain, no goodbye to the cluster
            await a.WaitForExitAsync();

            using var viaB = Client(urlB);
            using var approved = await viaB.PostAsync($"/v1/strata/approvals/{approval}/approve",
                new StringContent("""{"by": "ana", "reason": "checked"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            Assert.Equal("finished", await AnswerOnceCompleted(viaB, id));

            // Every side effect once: the first line was not appended again, the gated write and the last line ran once.
            Assert.Equal("one\ntwo\n", File.ReadAllText(report));
            Assert.Equal("done", File.ReadAllText(done));
            using var evidence = JsonDocument.Parse(await viaB.GetStringAsync($"/v1/strata/tasks/{id}/evidence"));
            var kinds = evidence.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToList();
            Assert.Single(kinds, k => k == "task.recovered");
            Assert.True(evidence.RootElement.GetProperty("verify").GetProperty("intact").GetBoolean(), evidence.RootElement.GetProperty("verify").ToString());
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }
            }

            Directory.Delete(folder, recursive: true);
        }

        static HttpClient Client(string url)
        {
            var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-acme");
            return http;
        }
    }

    [Fact]
    public void Serve_ClusterIdWithoutMembership_Exits2NamingTheOption()
    {
        var result = StrataProcess.Run("serve", "--model", Stories, "--port", "0", "--cluster-id", "prod");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--cluster-id prod needs --membership", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterStatus_NodeUnreachable_Exits2NamingTheAddress()
    {
        var result = StrataProcess.Run("cluster", "status", "--url", $"http://127.0.0.1:{FreePort()}");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot be reached", result.StdErr, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
