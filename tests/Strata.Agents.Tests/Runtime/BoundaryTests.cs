// Data boundaries: restricted tasks never reach a remote model; hash-only context never reaches the store file.
using System.Text;
using Strata.Evidence;

namespace Strata.Agents.Tests.Runtime;

public sealed class BoundaryTests
{
    [Fact]
    public async Task Route_RestrictedTask_RemoteRefusedAndRecorded()
    {
        using var bed = new AgentTestBed();
        var remote = new ScriptedChatClient(AgentTestBed.Script()).Remote();
        var runtime = bed.Runtime([remote]);
        var id = runtime.Submit(bed.Contract() with { Classification = DataClassification.Restricted });
        var result = await runtime.RunAsync(id);

        Assert.Equal(AgentTaskStatus.Failed, result.Status);
        Assert.Equal("no_route", result.StopReason);
        var refused = Assert.Single(bed.Store.Ledger(id), e => e.Kind == "route.refused");
        Assert.Contains("boundary:restricted-in-process-only", refused.PayloadJson, StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Store.Steps(id), s => s.Kind == StepKind.Model);
    }

    [Fact]
    public async Task Route_RestrictedTask_TakesInProcessRoute()
    {
        using var bed = new AgentTestBed();
        var remote = new ScriptedChatClient(AgentTestBed.Script()).Remote();
        var local = new ModelRoute("local", RouteLocality.InProcess, new ScriptedChatClient(AgentTestBed.Script()), "in process");
        var runtime = bed.Runtime([remote, local]);
        var id = runtime.Submit(bed.Contract() with { Classification = DataClassification.Restricted });

        Assert.Equal(AgentTaskStatus.Completed, (await runtime.RunAsync(id)).Status);
        var chosen = Assert.Single(bed.Store.Ledger(id), e => e.Kind == "route.chosen");
        Assert.Contains("\"route\":\"local\"", chosen.PayloadJson, StringComparison.Ordinal);
        Assert.Contains("boundary:restricted-in-process-only", chosen.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_HashOnlyConfidential_NeverInStoreFile()
    {
        const string Secret = "ZEBRA-7731-CONFIDENTIAL-MARKER";
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(AgentTestBed.Script(AgentTestBed.Call("append_line", new { path = "${input.output_file}", line = "done" })));
        var contract = bed.Contract("append_line") with
        {
            Classification = DataClassification.Confidential,
            Context =
            [
                new ContextItem { Id = "salary", Text = "The salary table: " + Secret, Classification = DataClassification.Confidential, Retention = ContentRetention.HashOnly },
                new ContextItem { Id = "above", Text = "never shown", Classification = DataClassification.Restricted },
            ],
        };
        var id = runtime.Submit(contract);
        Assert.Equal(AgentTaskStatus.Completed, (await runtime.RunAsync(id)).Status);
        var assembled = Assert.Single(bed.Store.Ledger(id), e => e.Kind == "context.assembled");
        Assert.Contains("\"included\":false", assembled.PayloadJson, StringComparison.Ordinal);
        bed.Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var needle = Encoding.UTF8.GetBytes(Secret);
        foreach (var file in Directory.GetFiles(bed.Folder, "tasks.db*"))
        {
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(needle) < 0, $"{Path.GetFileName(file)} holds the hash-only text");
        }
    }

    [Fact]
    public async Task Context_AboveClearance_NeverInPrompt()
    {
        using var bed = new AgentTestBed();
        var seen = new List<string>();
        var spy = new ModelRoute("spy", RouteLocality.InProcess, new SpyChatClient(seen), "spy");
        var runtime = bed.Runtime([spy]);
        var contract = bed.Contract() with
        {
            Classification = DataClassification.Internal,
            Context =
            [
                new ContextItem { Id = "ok", Text = "PUBLIC-FACT", Classification = DataClassification.Public },
                new ContextItem { Id = "no", Text = "RESTRICTED-FACT", Classification = DataClassification.Restricted },
            ],
        };
        await runtime.RunAsync(runtime.Submit(contract));

        var prompt = Assert.Single(seen);
        Assert.Contains("PUBLIC-FACT", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("RESTRICTED-FACT", prompt, StringComparison.Ordinal);
    }
}

internal sealed class SpyChatClient(List<string> prompts) : Microsoft.Extensions.AI.IChatClient
{
    public Task<Microsoft.Extensions.AI.ChatResponse> GetResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages,
        Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        prompts.Add(string.Join("\n", messages.Select(m => m.Text)));
        return Task.FromResult(new Microsoft.Extensions.AI.ChatResponse(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, "ok")));
    }

    public IAsyncEnumerable<Microsoft.Extensions.AI.ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages,
        Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
