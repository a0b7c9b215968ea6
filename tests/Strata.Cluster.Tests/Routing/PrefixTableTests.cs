// PrefixTable: the LRU set under a real capacity, with exact eviction order and growth past its first slots.
using Strata.Cluster.Routing;

namespace Strata.Cluster.Tests.Routing;

public sealed class PrefixTableTests
{
    [Fact]
    public void Touch_PastCapacity_EvictsTheLeastRecentlyTouched()
    {
        var table = new PrefixTable(3);
        table.Touch(1);
        table.Touch(2);
        table.Touch(3);
        table.Touch(1); // 2 is now the oldest
        table.Touch(4);
        Assert.Equal(3, table.Count);
        Assert.False(table.Contains(2));
        Assert.True(table.Contains(1) && table.Contains(3) && table.Contains(4));
        table.Touch(5); // then 3
        Assert.False(table.Contains(3));
        Assert.True(table.Contains(1) && table.Contains(4) && table.Contains(5));
    }

    [Fact]
    public void Contains_DoesNotRefreshRecency()
    {
        var table = new PrefixTable(2);
        table.Touch(1);
        table.Touch(2);
        Assert.True(table.Contains(1));
        table.Touch(3);
        Assert.False(table.Contains(1));
        Assert.True(table.Contains(2));
    }

    [Fact]
    public void Touch_ManyKeys_GrowsToCapacityAndKeepsTheNewest()
    {
        var table = new PrefixTable(1000);
        for (ulong k = 0; k < 5000; k++)
        {
            table.Touch(k);
        }

        Assert.Equal(1000, table.Count);
        Assert.False(table.Contains(3999));
        Assert.True(table.Contains(4000) && table.Contains(4999));
    }
}
