// The ledger's hash chain: an untouched chain verifies, and any change names the first record that no longer holds.
using Strata.Evidence.Ledger;

namespace Strata.Agents.Tests;

public sealed class LedgerChainTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private static List<LedgerEntry> Chain(int count)
    {
        var entries = new List<LedgerEntry>();
        LedgerEntry? previous = null;
        for (var index = 0; index < count; index++)
        {
            previous = LedgerChain.Append(previous, "task_a", "step." + index, Start.AddSeconds(index), "{\"n\":" + index + "}");
            entries.Add(previous);
        }

        return entries;
    }

    [Fact]
    public void Verify_UntouchedChain_IsIntact()
    {
        var verdict = LedgerChain.Verify("task_a", Chain(8));
        Assert.True(verdict.Intact);
        Assert.Equal(8, verdict.RecordCount);
    }

    [Fact]
    public void Verify_AlteredPayload_NamesThatRecord()
    {
        for (var target = 0; target < 8; target++)
        {
            var entries = Chain(8);
            entries[target] = entries[target] with { PayloadJson = "{\"n\":99}" };
            var verdict = LedgerChain.Verify("task_a", entries);
            Assert.False(verdict.Intact);
            Assert.Equal(target, verdict.FirstBadSequence);
        }
    }

    [Fact]
    public void Verify_RemovedRecord_NamesTheGap()
    {
        var entries = Chain(5);
        entries.RemoveAt(2);
        var verdict = LedgerChain.Verify("task_a", entries);
        Assert.Equal(2, verdict.FirstBadSequence);
        Assert.Contains("missing", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AlteredTime_NamesThatRecord()
    {
        var entries = Chain(4);
        entries[3] = entries[3] with { At = entries[3].At.AddTicks(1) };
        Assert.Equal(3, LedgerChain.Verify("task_a", entries).FirstBadSequence);
    }
}
