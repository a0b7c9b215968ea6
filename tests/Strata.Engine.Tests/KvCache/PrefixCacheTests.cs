// The one KV block allocator on a real 11-block pool: exact block ids through allocation, prefix registration and hits,
// tenant salts, LRU eviction and reference counts.
using Strata.Engine.KvCache;

namespace Strata.Engine.Tests.KvCache;

public sealed class PrefixCacheTests : IDisposable
{
    private const int BlockTokens = 4;
    private readonly KvBlockPool _pool = new(layers: 1, kvDim: 8, blockTokens: BlockTokens, blockCount: 11);
    private readonly PrefixCache _cache;
    private readonly UInt128 _alpha = PrefixCache.Salt("alpha", "model");
    private readonly UInt128 _beta = PrefixCache.Salt("beta", "model");
    private readonly List<int> _hits = [];

    public PrefixCacheTests() => _cache = new PrefixCache(_pool);

    public void Dispose() => _pool.Dispose();

    [Fact]
    public void TryAllocate_FreshCache_HandsOutIdsInOrderUntilEmpty()
    {
        for (int expected = 0; expected < 11; expected++)
        {
            Assert.True(_cache.TryAllocate(out int id));
            Assert.Equal(expected, id);
        }

        Assert.False(_cache.TryAllocate(out _));
        Assert.Equal(11, _cache.UsedBlocks);
        _cache.Free(7);
        Assert.True(_cache.TryAllocate(out int again));
        Assert.Equal(7, again);
    }

    [Fact]
    public void Match_RegisteredPrefixOfSameTenant_ReturnsItsBlocks()
    {
        int[] prompt = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var kv = Fill(prompt, _alpha);
        Assert.Equal([0, 1, 2], kv.Blocks.ToArray());
        kv.Release(); // blocks 0 and 1 were registered (full); block 2 holds 2 tokens and goes back to the free list
        Assert.Equal(2, _cache.CachedIdleBlocks);
        Assert.Equal(0, _cache.UsedBlocks);

        _cache.Match(prompt, _alpha, _hits, out _);
        Assert.Equal([0, 1], _hits);
        Assert.Equal(2, _cache.UsedBlocks);
        Assert.Equal(0, _cache.CachedIdleBlocks);
    }

    [Fact]
    public void Match_OtherTenantOrOtherTokens_FindsNothing()
    {
        int[] prompt = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        Fill(prompt, _alpha).Release();
        Assert.Equal(0, _cache.Match(prompt, _beta, _hits, out _));
        Assert.Equal(1, _cache.Match([1, 2, 3, 4, 5, 6, 7, 99, 9], _alpha, _hits, out _)); // the second block differs
        Assert.Equal([0], _hits);
    }

    [Fact]
    public void Match_WholePromptCached_LeavesTheLastTokenToCompute()
    {
        int[] prompt = [1, 2, 3, 4, 5, 6, 7, 8];
        Fill(prompt, _alpha).Release();
        Assert.Equal(1, _cache.Match(prompt, _alpha, _hits, out _)); // 8 tokens: only the first block, so logits come out
        Assert.Equal([0], _hits);
    }

    [Fact]
    public void TryAllocate_NoFreeBlock_EvictsCachedIdleBlocksLeastRecentlyUsedFirst()
    {
        Fill([1, 2, 3, 4, 5], _alpha).Release();           // block 0 cached (1 is free again)
        Fill([9, 9, 9, 9, 5], _alpha).Release();           // block 1 cached, after 0... (2 free again)
        Assert.Equal(2, _cache.CachedIdleBlocks);
        _cache.Match([1, 2, 3, 4, 5], _alpha, _hits, out _); // touches block 0: now most recently used when freed
        Assert.Equal([0], _hits);
        _cache.Free(0);

        var taken = new List<int>();
        while (_cache.TryAllocate(out int id))
        {
            taken.Add(id);
        }

        // The nine never-cached blocks first (2..10), then the LRU order: block 1 before block 0.
        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 0], taken);
        Assert.Equal(0, _cache.Match([1, 2, 3, 4, 5], _alpha, _hits, out _)); // evicted blocks are forgotten
    }

    [Fact]
    public void Free_SharedBlock_StaysInUseUntilTheLastReference()
    {
        int[] prompt = [1, 2, 3, 4, 5];
        Fill(prompt, _alpha).Release();
        _cache.Match(prompt, _alpha, _hits, out _);
        _cache.Match(prompt, _alpha, _hits, out _);
        Assert.Equal(1, _cache.UsedBlocks);
        _cache.Free(0);
        Assert.Equal(1, _cache.UsedBlocks);
        _cache.Free(0);
        Assert.Equal(0, _cache.UsedBlocks);
        Assert.Equal(1, _cache.CachedIdleBlocks);
        Assert.Throws<InvalidOperationException>(() => _cache.Free(0));
    }

    // A sequence that computed `tokens` and registered its full blocks, as the scheduler does after a pass.
    private SequenceKv Fill(int[] tokens, UInt128 salt)
    {
        var kv = new SequenceKv(_cache, 64);
        Assert.True(kv.TryReserve(tokens.Length));
        kv.Advance(tokens.Length);
        var parent = salt;
        for (int b = 0; b < tokens.Length / BlockTokens; b++)
        {
            parent = _cache.Register(kv.Blocks[b], parent, tokens.AsSpan(b * BlockTokens, BlockTokens));
        }

        return kv;
    }
}
