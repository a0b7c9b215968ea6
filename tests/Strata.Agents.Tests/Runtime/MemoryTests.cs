// Memory: what a task keeps for later tasks is a recorded decision by classification and retention, read only by its tenant.
using Strata.Evidence;

namespace Strata.Agents.Tests.Runtime;

public sealed class MemoryTests
{
    private static readonly MemoryRule Rule = new() { Key = "q4-summary", RetentionDays = 7 };

    [Fact]
    public async Task Memory_KeptAnswer_ReachesLaterTaskOfSameTenantOnly()
    {
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(new ModelScript { Final = "Q4 revenue rose 12%." });
        var first = runtime.Submit(bed.Contract() with { Memory = Rule });
        Assert.Equal(AgentTaskStatus.Completed, (await runtime.RunAsync(first)).Status);
        var decided = Assert.Single(bed.Store.Ledger(first), e => e.Kind == "memory.decided");
        Assert.Contains("\"kept\":true", decided.PayloadJson, StringComparison.Ordinal);

        var prompts = new List<string>();
        var spy = bed.Runtime([new ModelRoute("spy", RouteLocality.InProcess, new SpyChatClient(prompts), "spy")]);
        var recall = new ContextItem { Id = "last-quarter", Memory = "q4-summary" };
        await spy.RunAsync(spy.Submit(bed.Contract() with { Context = [recall] }));
        await spy.RunAsync(spy.Submit(bed.Contract() with { Tenant = "globex", Context = [recall] }));

        Assert.Contains("Q4 revenue rose 12%.", prompts[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Q4 revenue", prompts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Memory_AboveRuleClassification_NotKeptAndRecorded()
    {
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(new ModelScript { Final = "salary bands" });
        var id = runtime.Submit(bed.Contract() with { Memory = Rule, Classification = DataClassification.Confidential });
        await runtime.RunAsync(id);

        var decided = Assert.Single(bed.Store.Ledger(id), e => e.Kind == "memory.decided");
        Assert.Contains("\"kept\":false", decided.PayloadJson, StringComparison.Ordinal);
        Assert.Empty(bed.Store.Memories("acme", "q4-summary", bed.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Memory_Expired_NotRead()
    {
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(new ModelScript { Final = "old news" });
        await runtime.RunAsync(runtime.Submit(bed.Contract() with { Memory = Rule }));
        Assert.Single(bed.Store.Memories("acme", "q4-summary", bed.Time.GetUtcNow()));

        bed.Time.Advance(TimeSpan.FromDays(8));
        Assert.Empty(bed.Store.Memories("acme", "q4-summary", bed.Time.GetUtcNow()));
    }
}
