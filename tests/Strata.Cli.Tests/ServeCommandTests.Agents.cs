// The real `strata serve --agent-profile`: a task submitted over HTTP waits for its approval, is approved over HTTP and completes.
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_AgentProfile_TaskApprovedOverHttpCompletes()
    {
        var folder = Directory.CreateTempSubdirectory("strata-serve-agents-").FullName;
        try
        {
            var report = Path.Combine(folder, "report.txt");
            File.WriteAllText(Path.Combine(folder, "policy.json"), """
                {"version": 1, "rules": [
                  {"id": "routes", "target": "route", "decision": "allow"},
                  {"id": "writes", "target": "tool", "tools": ["write_file"], "decision": "require_approval"}
                ]}
                """);
            File.WriteAllText(Path.Combine(folder, "script.json"), """
                {"turns": [{"tool_calls": [{"name": "write_file", "arguments": {"path": "${input.report}", "content": "done"}}]}], "final": "wrote it"}
                """);
            // Relative paths: the profile's folder, not the server's working folder, is where they are found.
            File.WriteAllText(Path.Combine(folder, "profile.json"), """
                {"policy": "policy.json", "routes": [{"name": "scripted", "kind": "scripted", "script": "script.json"}]}
                """);
            File.WriteAllText(Path.Combine(folder, "server.json"), """{"tenants": [{"name": "acme", "api_keys": ["sk-acme"]}]}""");

            var (process, url) = await StartServe("--model", Stories, "--config", Path.Combine(folder, "server.json"),
                "--agent-profile", Path.Combine(folder, "profile.json"), "--agent-store", Path.Combine(folder, "tasks.db"));
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-acme");
                var contract = $$$"""
                    {"tenant": "acme", "actor": "ana", "goal": "write the report", "scopes": ["files.write"], "tools": ["write_file"],
                     "inputs": {"report": {{{JsonSerializer.Serialize(report)}}}}}
                    """;
                using var submitted = await http.PostAsync("/v1/strata/tasks?wait=true", new StringContent(contract, Encoding.UTF8, "application/json"));
                var task = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement;
                Assert.True(submitted.StatusCode == HttpStatusCode.Created, task.ToString());
                Assert.Equal("waiting_approval", task.GetProperty("status").GetString());
                var approval = task.GetProperty("pending_approvals")[0].GetProperty("approval_id").GetString();

                using var approved = await http.PostAsync($"/v1/strata/approvals/{approval}/approve",
                    new StringContent("""{"by": "ana", "reason": "checked"}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
                var id = task.GetProperty("id").GetString();
                Assert.Equal("wrote it", await AnswerOnceCompleted(http, id!));
                Assert.Equal("done", File.ReadAllText(report));
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Serve_AgentStoreWithoutProfile_Exits2NamingTheOption()
    {
        var result = StrataProcess.Run("serve", "--model", Stories, "--port", "0", "--agent-store", "tasks.db");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--agent-store needs --agent-profile", result.StdErr, StringComparison.Ordinal);
    }

    // Polls the task (the server is another process: there is no event to wait on) until it has completed.
    private static async Task<string?> AnswerOnceCompleted(HttpClient http, string id)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var task = JsonDocument.Parse(await http.GetStringAsync($"/v1/strata/tasks/{id}", deadline.Token)).RootElement;
            if (task.GetProperty("status").GetString() is not ("running" or "waiting_approval"))
            {
                Assert.Equal("completed", task.GetProperty("status").GetString());
                return task.GetProperty("answer").GetString();
            }
        }
    }
}
