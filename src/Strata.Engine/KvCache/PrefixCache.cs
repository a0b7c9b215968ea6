// The KV block allocator: reference-counted blocks, automatic prefix caching by chained block hashes, LRU eviction.
using System.Buffers.Binary;
using System.Security.Cryptography;
namespace Strata.Engine.KvCache;

/// <summary>
/// The only allocator of a <see cref="KvBlockPool"/>'s blocks (the pool only holds their memory). A block is in exactly one state: free (never
/// cached or evicted), in use (reference count ≥ 1), or cached-idle (count 0, contents valid, evictable in LRU order).
/// A full block of tokens is registered under the hash of its tokens chained with the previous block's hash and salted
/// per tenant and model, so a later request of the same tenant whose prompt starts with the same tokens takes the block
/// instead of computing it, and no tenant ever reaches another's blocks. A caller that never registers blocks (one
/// generation) gets a plain free list. Not thread-safe: the one thread that runs the model owns it.
/// </summary>
public sealed class PrefixCache
{
    private readonly int[] _refs;
    private readonly UInt128[] _hashOf;       // 0 = not registered
    private readonly int[] _prev;             // LRU links of cached-idle blocks (-1 = none)
    private readonly int[] _next;
    private readonly bool[] _inLru;
    private readonly Stack<int> _free;
    private readonly Dictionary<UInt128, int> _byHash = [];
    private int _lruHead = -1;                // least recently used
    private int _lruTail = -1;

    /// <summary>Takes charge of every block of <paramref name="pool"/>; all start free.</summary>
    public PrefixCache(KvBlockPool pool)
    {
        Pool = pool;
        int n = pool.BlockCount;
        _refs = new int[n];
        _hashOf = new UInt128[n];
        _prev = new int[n];
        _next = new int[n];
        _inLru = new bool[n];
        _free = new Stack<int>(n);
        for (int b = n - 1; b >= 0; b--)
        {
            _free.Push(b);
        }
    }

    /// <summary>The memory the blocks live in.</summary>
    public KvBlockPool Pool { get; }

    /// <summary>Positions per block.</summary>
    public int BlockTokens => Pool.BlockTokens;

    /// <summary>Blocks never cached or evicted: free without losing a cached prefix.</summary>
    public int FreeBlocks => _free.Count;

    /// <summary>Blocks referenced by a running or waiting sequence.</summary>
    public int UsedBlocks { get; private set; }

    /// <summary>Blocks idle but holding a cached prefix.</summary>
    public int CachedIdleBlocks { get; private set; }

    /// <summary>Blocks a new sequence can get now (free plus evictable).</summary>
    public int AvailableBlocks => _free.Count + CachedIdleBlocks;

    /// <summary>Prompt blocks looked up since start.</summary>
    public long LookupBlocks { get; private set; }

    /// <summary>Prompt blocks found since start.</summary>
    public long HitBlocks { get; private set; }

    /// <summary>
    /// Takes a block for exclusive writing: a free one, else the least recently used cached-idle one (its prefix is
    /// forgotten). False when every block is in use.
    /// </summary>
    public bool TryAllocate(out int blockId)
    {
        if (!_free.TryPop(out blockId))
        {
            if (_lruHead < 0)
            {
                blockId = -1;
                return false;
            }

            blockId = _lruHead;
            Unlink(blockId);
            _byHash.Remove(_hashOf[blockId]);
            _hashOf[blockId] = UInt128.Zero;
        }

        _refs[blockId] = 1;
        UsedBlocks++;
        return true;
    }

    /// <summary>Gives back one reference; at zero the block becomes free, or cached-idle if it holds a registered prefix.</summary>
    /// <exception cref="InvalidOperationException">the block has no reference left to give back</exception>
    public void Free(int blockId)
    {
        if (_refs[blockId] <= 0)
        {
            throw new InvalidOperationException($"KV block {blockId} freed more often than taken");
        }

        if (--_refs[blockId] > 0)
        {
            return;
        }

        UsedBlocks--;
        if (_hashOf[blockId] == UInt128.Zero)
        {
            _free.Push(blockId);
            return;
        }

        // Cached-idle: most recently used at the tail.
        _inLru[blockId] = true;
        _prev[blockId] = _lruTail;
        _next[blockId] = -1;
        if (_lruTail >= 0)
        {
            _next[_lruTail] = blockId;
        }
        else
        {
            _lruHead = blockId;
        }

        _lruTail = blockId;
        CachedIdleBlocks++;
    }

    /// <summary>
    /// Finds the longest run of cached blocks that starts <paramref name="tokens"/> (whole blocks only, leaving at least
    /// one token to compute so the request gets logits) and takes a reference to each. Returns their ids into
    /// <paramref name="hits"/> and the chained hash after the last one.
    /// </summary>
    public int Match(ReadOnlySpan<int> tokens, UInt128 salt, List<int> hits, out UInt128 chain)
    {
        hits.Clear();
        int blockTokens = BlockTokens;
        int candidates = (tokens.Length - 1) / blockTokens;
        LookupBlocks += candidates;
        UInt128 parent = salt;
        for (int b = 0; b < candidates; b++)
        {
            var hash = Chain(parent, tokens.Slice(b * blockTokens, blockTokens));
            if (!_byHash.TryGetValue(hash, out int block))
            {
                break;
            }

            if (_refs[block] == 0)
            {
                Unlink(block);
                UsedBlocks++;
            }

            _refs[block]++;
            hits.Add(block);
            parent = hash;
        }

        HitBlocks += hits.Count;
        chain = parent;
        return hits.Count;
    }

    /// <summary>
    /// Registers a block the caller has just filled with <paramref name="blockTokensIds"/>, after <paramref name="parent"/>;
    /// returns the block's chained hash (the parent of the next block). A block whose hash is already cached elsewhere
    /// stays unregistered (it is freed normally).
    /// </summary>
    public UInt128 Register(int blockId, UInt128 parent, ReadOnlySpan<int> blockTokensIds)
    {
        var hash = Chain(parent, blockTokensIds);
        if (_hashOf[blockId] == UInt128.Zero && _byHash.TryAdd(hash, blockId))
        {
            _hashOf[blockId] = hash;
        }

        return hash;
    }

    /// <summary>The salt of a tenant and model: the first link of every chain.</summary>
    public static UInt128 Salt(string tenant, string model)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"strata-prefix\0{tenant}\0{model}"), digest);
        return Read(digest);
    }

    private static UInt128 Chain(UInt128 parent, ReadOnlySpan<int> tokens)
    {
        Span<byte> input = stackalloc byte[16 + (tokens.Length * 4)];
        BinaryPrimitives.WriteUInt128LittleEndian(input, parent);
        for (int i = 0; i < tokens.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(input[(16 + (4 * i))..], tokens[i]);
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        return Read(digest);
    }

    private static UInt128 Read(ReadOnlySpan<byte> digest)
    {
        var value = BinaryPrimitives.ReadUInt128LittleEndian(digest);
        return value == UInt128.Zero ? UInt128.One : value;
    }

    private void Unlink(int block)
    {
        if (!_inLru[block])
        {
            return;
        }

        _inLru[block] = false;
        int p = _prev[block], n = _next[block];
        if (p >= 0)
        {
            _next[p] = n;
        }
        else
        {
            _lruHead = n;
        }

        if (n >= 0)
        {
            _prev[n] = p;
        }
        else
        {
            _lruTail = p;
        }

        CachedIdleBlocks--;
    }
}
