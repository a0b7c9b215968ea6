// prefix_affinity: stickiness, the tenant salt, ties, the load bound, Forget and the LRU bound of each replica's table.
using Strata.Cluster.Routing;

namespace Strata.Cluster.Tests.Routing;

public sealed class PrefixAffinityPolicyTests
{
    private static readonly string SystemPrompt = PrefixKeyTests.Document(7, 64 * 20);

    [Fact]
    public void Choose_SamePrefixSameTenant_SticksToOneReplica()
    {
        var policy = Policy();
        var replicas = Idle(4);
        var first = policy.Choose(Query("acme", SystemPrompt + "first question"), replicas);
        Assert.Equal("no_match", first.Reason);
        Assert.Equal("r0", first.ReplicaId);

        // The replica that took the prefix is now busier than the others, but within the bound: the prefix wins.
        replicas = Loads(("r0", 3), ("r1", 0), ("r2", 0), ("r3", 0));
        for (int i = 0; i < 10; i++)
        {
            var next = policy.Choose(Query("acme", SystemPrompt + $"question {i}"), replicas);
            Assert.Equal(("r0", 20, "prefix_match"), (next.ReplicaId, next.MatchedBlocks, next.Reason));
        }
    }

    [Fact]
    public void Choose_OtherTenantSameText_DoesNotInheritTheMatch()
    {
        var policy = Policy();
        policy.Choose(Query("acme", SystemPrompt), Idle(4));
        var replicas = Loads(("r0", 2), ("r1", 1), ("r2", 0), ("r3", 1));

        var other = policy.Choose(Query("globex", SystemPrompt), replicas);
        Assert.Equal(("r2", 0, "no_match"), (other.ReplicaId, other.MatchedBlocks, other.Reason));
        var again = policy.Choose(Query("acme", SystemPrompt), replicas);
        Assert.Equal(("r0", 20, "prefix_match"), (again.ReplicaId, again.MatchedBlocks, again.Reason));
    }

    [Fact]
    public void Choose_SameHashesOtherTenant_DoNotMatchEvenUnsalted()
    {
        // A caller that hands in unsalted hashes still gets tenant separation: the policy mixes the tenant into its keys.
        var policy = Policy();
        ulong[] hashes = [1, 2, 3];
        policy.Choose(new RouteQuery("acme", hashes), Idle(2));
        var other = policy.Choose(new RouteQuery("globex", hashes), Loads(("r0", 1), ("r1", 0)));
        Assert.Equal(("r1", "no_match"), (other.ReplicaId, other.Reason));
    }

    [Fact]
    public void Choose_LongerMatchElsewhere_WinsOverShorter()
    {
        var policy = Policy();
        string docA = SystemPrompt + PrefixKeyTests.Document(8, 64 * 10);
        policy.Choose(Query("acme", SystemPrompt), Idle(3));                             // r0 holds 20 blocks
        policy.Choose(Query("acme", docA), Loads(("r0", 9), ("r1", 0), ("r2", 0)));      // load bound: r1 gets all 30
        var decision = policy.Choose(Query("acme", docA + "more"), Loads(("r0", 0), ("r1", 2), ("r2", 0)));
        Assert.Equal(("r1", 30, "prefix_match"), (decision.ReplicaId, decision.MatchedBlocks, decision.Reason));
    }

    [Fact]
    public void Choose_EqualMatches_GoToTheLeastLoadedThenTheFirst()
    {
        var policy = Policy();
        policy.Choose(Query("acme", SystemPrompt), Idle(3));                             // r0
        policy.Choose(Query("acme", SystemPrompt), Loads(("r0", 9), ("r1", 0), ("r2", 5))); // bound: r1
        Assert.Equal("r1", policy.Choose(Query("acme", SystemPrompt), Loads(("r0", 3), ("r1", 2), ("r2", 0))).ReplicaId);
        Assert.Equal("r0", policy.Choose(Query("acme", SystemPrompt), Loads(("r0", 2), ("r1", 2), ("r2", 0))).ReplicaId);
    }

    [Fact]
    public void Choose_BestMatchPastTheLoadBound_GoesToTheLeastLoaded()
    {
        var policy = Policy(loadBound: 4);
        policy.Choose(Query("acme", SystemPrompt), Idle(3));
        var within = policy.Choose(Query("acme", SystemPrompt), Loads(("r0", 5), ("r1", 1), ("r2", 3)));
        Assert.Equal(("r0", "prefix_match"), (within.ReplicaId, within.Reason));

        var past = policy.Choose(Query("acme", SystemPrompt), Loads(("r0", 6), ("r1", 1), ("r2", 3)));
        Assert.Equal(("r1", 0, "load_bound"), (past.ReplicaId, past.MatchedBlocks, past.Reason));

        // The overflow replica was recorded too: it now matches as well, and wins the tie with r0 by load.
        var after = policy.Choose(Query("acme", SystemPrompt), Loads(("r0", 6), ("r1", 2), ("r2", 2)));
        Assert.Equal(("r1", 20, "prefix_match"), (after.ReplicaId, after.MatchedBlocks, after.Reason));
    }

    [Fact]
    public void Choose_LoadBoundZero_IsLeastLoadedWhenLoadsDiffer()
    {
        var policy = Policy(loadBound: 0);
        policy.Choose(Query("acme", SystemPrompt), Idle(2));
        Assert.Equal("load_bound", policy.Choose(Query("acme", SystemPrompt), Loads(("r0", 1), ("r1", 0))).Reason);
    }

    [Fact]
    public void Forget_Replica_DropsItsPrefixes()
    {
        var policy = (PrefixAffinityPolicy)Policy();
        policy.Choose(Query("acme", SystemPrompt), Idle(2));
        Assert.Equal(1, policy.TrackedReplicas);
        policy.Forget("r0");
        Assert.Equal(0, policy.TrackedReplicas);

        var decision = policy.Choose(Query("acme", SystemPrompt), Loads(("r0", 1), ("r1", 0)));
        Assert.Equal(("r1", 0, "no_match"), (decision.ReplicaId, decision.MatchedBlocks, decision.Reason));
    }

    [Fact]
    public void Forget_UnknownReplica_IsHarmless()
    {
        var policy = Policy();
        policy.Forget("nobody");
        Assert.Equal("r0", policy.Choose(Query("acme", SystemPrompt), Idle(1)).ReplicaId);
    }

    [Fact]
    public void Choose_TableFull_EvictsTheLeastRecentlyUsedPrefix()
    {
        // 20 blocks per prompt, 45 per replica: two prompts fit; a third evicts the oldest one's deep blocks (recorded
        // deepest first, so its shared root survives longest) and the first prompt no longer matches in full.
        var policy = Policy(cacheBlocks: 45);
        string[] docs = [PrefixKeyTests.Document(1, 64 * 20), PrefixKeyTests.Document(2, 64 * 20), PrefixKeyTests.Document(3, 64 * 20)];
        var one = Idle(1);
        policy.Choose(Query("acme", docs[0]), one);
        policy.Choose(Query("acme", docs[1]), one);
        Assert.Equal(20, policy.Choose(Query("acme", docs[0]), one).MatchedBlocks); // docs[0] is now the most recent
        policy.Choose(Query("acme", docs[2]), one);                                   // evicts 15 blocks of docs[1]

        Assert.Equal(20, policy.Choose(Query("acme", docs[2]), one).MatchedBlocks);
        Assert.Equal(20, policy.Choose(Query("acme", docs[0]), one).MatchedBlocks);
        Assert.Equal(5, policy.Choose(Query("acme", docs[1]), one).MatchedBlocks);
    }

    [Fact]
    public void Choose_ShortPrompt_IsNoMatchAndRecordsNothing()
    {
        var policy = (PrefixAffinityPolicy)Policy();
        var decision = policy.Choose(Query("acme", "hi"), Loads(("r0", 1), ("r1", 0)));
        Assert.Equal(("r1", 0, "no_match"), (decision.ReplicaId, decision.MatchedBlocks, decision.Reason));
        Assert.Equal(0, policy.TrackedReplicas);
    }

    [Fact]
    public void Choose_NoReplicas_Throws()
    {
        Assert.Throws<ArgumentException>(() => Policy().Choose(Query("acme", SystemPrompt), []));
    }

    private static IRoutingPolicy Policy(int loadBound = 4, int cacheBlocks = 16384) =>
        RoutingPolicies.Create("prefix_affinity", new RoutingOptions { LoadBound = loadBound, CacheBlocksPerReplica = cacheBlocks });

    private static RouteQuery Query(string tenant, string text) => new(tenant, PrefixKey.Blocks(tenant, text));

    internal static ReplicaLoad[] Idle(int count) => [.. Enumerable.Range(0, count).Select(i => new ReplicaLoad($"r{i}", 0, 0))];

    // Loads split between running and waiting, to show that the policy looks at their sum.
    internal static ReplicaLoad[] Loads(params (string Id, int Load)[] replicas) =>
        [.. replicas.Select(r => new ReplicaLoad(r.Id, Math.Min(r.Load, 2), r.Load - Math.Min(r.Load, 2)))];
}
