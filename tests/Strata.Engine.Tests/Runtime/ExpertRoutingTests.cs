// Mixture-of-experts routing against its definition: softmax top-k, renormalised weights, grouping by expert, the combine.
using Strata.Engine.Runtime;

namespace Strata.Engine.Tests.Runtime;

public sealed class ExpertRoutingTests
{
    [Fact]
    public void Route_PicksTheLargestProbabilities_BestFirst_AndRenormalises()
    {
        float[] logits = [0.5f, 3f, -1f, 2f, 2.5f, 0f];
        var route = new float[4];
        ExpertRouting.Route(logits, 2, normalize: false, route);
        double sum = logits.Sum(l => Math.Exp(l));
        Assert.Equal([1f, 4f], route[..2]);
        Assert.Equal(Math.Exp(3) / sum, route[2], 6);
        Assert.Equal(Math.Exp(2.5) / sum, route[3], 6);

        ExpertRouting.Route(logits, 2, normalize: true, route);
        Assert.Equal(Math.Exp(3) / (Math.Exp(3) + Math.Exp(2.5)), route[2], 6);
        Assert.Equal(1.0, route[2] + route[3], 6);
    }

    [Fact]
    public void Route_Ties_GoToTheLowerExpert()
    {
        var route = new float[6];
        ExpertRouting.Route([1f, 1f, 1f, 1f], 3, normalize: true, route);
        Assert.Equal([0f, 1f, 2f], route[..3]);
        Assert.Throws<ArgumentException>(() => ExpertRouting.Route([1f, 2f], 3, normalize: true, new float[6]));
    }

    [Fact]
    public void Group_ListsEveryRowAndSlot_UnderItsExpert_InRowOrder()
    {
        // Three rows, two slots each: row 0 → experts 2, 0; row 1 → 0, 3; row 2 → 2, 1 (weights after the ids).
        float[] route = [2, 0, 0.6f, 0.4f, 0, 3, 0.5f, 0.5f, 2, 1, 0.9f, 0.1f];
        var order = new int[6];
        var starts = new int[5];
        ExpertRouting.Group(route, rows: 3, used: 2, experts: 4, order, starts);
        Assert.Equal([0, 2, 3, 5, 6], starts);
        Assert.Equal([1, 2, 5, 0, 4, 3], order);
    }

    [Fact]
    public void Combine_AddsTheSlotsWeighted_InRouteOrder()
    {
        float[] slots = [1, 2, 3, 10, 20, 30];
        float[] route = [5, 1, 0.75f, 0.25f];
        var y = new float[3];
        ExpertRouting.Combine(slots, route, y);
        Assert.Equal([0.75f + 2.5f, 1.5f + 5f, 2.25f + 7.5f], y);
    }
}
