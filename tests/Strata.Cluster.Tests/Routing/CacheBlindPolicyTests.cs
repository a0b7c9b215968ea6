// round_robin and least_loaded: the turn survives a changed replica list; the least load wins and ties rotate.
using Strata.Cluster.Routing;
using static Strata.Cluster.Tests.Routing.PrefixAffinityPolicyTests;

namespace Strata.Cluster.Tests.Routing;

public sealed class CacheBlindPolicyTests
{
    private static readonly RouteQuery AnyQuery = new("acme", [1, 2, 3]);

    [Fact]
    public void RoundRobin_Calls_CycleOverTheReplicasIgnoringLoad()
    {
        var policy = RoutingPolicies.Create("round_robin", new RoutingOptions());
        var replicas = Loads(("r0", 50), ("r1", 0), ("r2", 0));
        var chosen = Enumerable.Range(0, 6).Select(_ => policy.Choose(AnyQuery, replicas)).ToArray();
        Assert.Equal(["r0", "r1", "r2", "r0", "r1", "r2"], chosen.Select(d => d.ReplicaId));
        Assert.All(chosen, d => Assert.Equal(("round_robin", 0), (d.Reason, d.MatchedBlocks)));
    }

    [Fact]
    public void RoundRobin_ReplicaListChanges_KeepsCountingOverTheNewList()
    {
        var policy = RoutingPolicies.Create("round_robin", new RoutingOptions());
        policy.Choose(AnyQuery, Idle(3));                       // call 0
        policy.Choose(AnyQuery, Idle(3));                       // call 1
        policy.Forget("r2");
        Assert.Equal("r0", policy.Choose(AnyQuery, Idle(2)).ReplicaId); // call 2: 2 mod 2
        Assert.Equal("r1", policy.Choose(AnyQuery, Idle(2)).ReplicaId);
        Assert.Equal("r4", policy.Choose(AnyQuery, Idle(5)).ReplicaId); // call 4: 4 mod 5
    }

    [Fact]
    public void LeastLoaded_DifferentLoads_PicksTheMinimumOfRunningPlusWaiting()
    {
        var policy = RoutingPolicies.Create("least_loaded", new RoutingOptions());
        ReplicaLoad[] replicas = [new("r0", 1, 3), new("r1", 3, 0), new("r2", 0, 4)];
        for (int i = 0; i < 3; i++)
        {
            var decision = policy.Choose(AnyQuery, replicas);
            Assert.Equal(("r1", "least_loaded"), (decision.ReplicaId, decision.Reason));
        }
    }

    [Fact]
    public void LeastLoaded_Ties_RotateAmongTheTiedReplicas()
    {
        var policy = RoutingPolicies.Create("least_loaded", new RoutingOptions());
        var replicas = Loads(("r0", 1), ("r1", 0), ("r2", 5), ("r3", 0));
        var chosen = Enumerable.Range(0, 4).Select(_ => policy.Choose(AnyQuery, replicas).ReplicaId);
        Assert.Equal(["r1", "r1", "r3", "r3"], chosen); // scans start at r0, r1, r2, r3
    }

    [Theory]
    [InlineData("round_robin")]
    [InlineData("least_loaded")]
    public void Choose_NoReplicas_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => RoutingPolicies.Create(name, new RoutingOptions()).Choose(AnyQuery, []));
    }
}
