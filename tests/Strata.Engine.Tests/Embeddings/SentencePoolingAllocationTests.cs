// Pooling a whole batch allocates nothing: the embeddings path's hot loop runs on caller-owned spans.
using Strata.Engine.Embeddings;

namespace Strata.Engine.Tests.Embeddings;

[Collection(nameof(AllocationCollection))]
public sealed class SentencePoolingAllocationTests
{
    [Fact]
    public void Embed_Batch32x64x384_AllocatesNothing()
    {
        const int Batch = 32, Sequence = 64, Hidden = 384;
        var states = new float[Batch * Sequence * Hidden];
        var mask = new long[Batch * Sequence];
        mask.AsSpan().Fill(1);
        var embeddings = new float[Batch * Hidden];
        SentencePooling.Embed(states, mask, embeddings, Hidden);

        long allocated = AllocationMeter.Measure(() => SentencePooling.Embed(states, mask, embeddings, Hidden));

        Assert.Equal(0, allocated);
    }
}
