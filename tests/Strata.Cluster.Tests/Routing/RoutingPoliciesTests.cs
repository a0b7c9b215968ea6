// RoutingPolicies: every name makes its policy; an unknown name or a bad option is refused with a message that says why.
using Strata.Cluster.Routing;

namespace Strata.Cluster.Tests.Routing;

public sealed class RoutingPoliciesTests
{
    [Fact]
    public void Create_EveryName_MakesThePolicyOfThatName()
    {
        Assert.Equal(["prefix_affinity", "round_robin", "least_loaded"], RoutingPolicies.Names);
        foreach (string name in RoutingPolicies.Names)
        {
            Assert.Equal(name, RoutingPolicies.Create(name, new RoutingOptions()).Name);
        }
    }

    [Fact]
    public void Create_UnknownName_NamesTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => RoutingPolicies.Create("random", new RoutingOptions()));
        Assert.Contains("'random'", error.Message);
        Assert.Contains("prefix_affinity, round_robin, least_loaded", error.Message);
    }

    [Fact]
    public void Create_BadOptions_NameTheField()
    {
        var bound = Assert.Throws<ArgumentException>(() => RoutingPolicies.Create("round_robin", new RoutingOptions { LoadBound = -1 }));
        Assert.Equal("LoadBound", bound.ParamName);
        var blocks = Assert.Throws<ArgumentException>(() => RoutingPolicies.Create("prefix_affinity", new RoutingOptions { CacheBlocksPerReplica = 0 }));
        Assert.Equal("CacheBlocksPerReplica", blocks.ParamName);
    }
}
