// One sequence's view of the KV cache: its block table and how many positions it holds.
namespace Strata.Engine.KvCache;

/// <summary>Per-sequence block table over a <see cref="KvBlockPool"/>. Position p lives in block Blocks[p / BlockTokens].</summary>
public sealed class SequenceKv
{
    private readonly KvBlockPool _pool;
    private readonly PrefixCache _source;
    private readonly int[] _blocks;
    private int _blockCount;

    /// <summary>Creates an empty table that can grow to <paramref name="maxTokens"/> positions, its blocks from <paramref name="blocks"/>.</summary>
    public SequenceKv(PrefixCache blocks, int maxTokens)
    {
        _pool = blocks.Pool;
        _source = blocks;
        MaxTokens = maxTokens;
        _blocks = new int[(maxTokens + _pool.BlockTokens - 1) / _pool.BlockTokens];
    }

    /// <summary>Positions per block of the pool.</summary>
    public int BlockTokens => _pool.BlockTokens;

    /// <summary>The cache holds f16 rows (else f32).</summary>
    public bool HalfKv => _pool.Half;

    /// <summary>Most positions this sequence may hold.</summary>
    public int MaxTokens { get; }

    /// <summary>Positions written so far (the next position to fill).</summary>
    public int Length { get; private set; }

    /// <summary>Blocks held.</summary>
    public int BlockCount => _blockCount;

    /// <summary>The block ids held, in position order.</summary>
    public ReadOnlySpan<int> Blocks => _blocks.AsSpan(0, _blockCount);

    /// <summary>Makes room for <paramref name="tokens"/> positions in total; false when the pool or the table is full.</summary>
    public bool TryReserve(int tokens)
    {
        if (tokens > MaxTokens)
        {
            return false;
        }

        int needed = (tokens + _pool.BlockTokens - 1) / _pool.BlockTokens;
        while (_blockCount < needed)
        {
            if (!_source.TryAllocate(out int block))
            {
                return false;
            }

            _blocks[_blockCount++] = block;
        }

        return true;
    }

    /// <summary>
    /// Appends a block whose positions are already written (a shared prefix block the caller holds a reference to) and
    /// counts its positions as filled. Only valid while every held block is full.
    /// </summary>
    public void AdoptFilled(int blockId)
    {
        if (Length != _blockCount * _pool.BlockTokens || _blockCount == _blocks.Length)
        {
            throw new InvalidOperationException($"cannot adopt a filled block: {Length} positions in {_blockCount} blocks of {_blocks.Length}");
        }

        _blocks[_blockCount++] = blockId;
        Length += _pool.BlockTokens;
    }

    /// <summary>Records that positions up to <paramref name="length"/> are filled.</summary>
    public void Advance(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _blockCount * _pool.BlockTokens);
        Length = length;
    }

    /// <summary>Address of position <paramref name="position"/>'s key row in <paramref name="layer"/>.</summary>
    public nint KeyRow(int layer, int position) =>
        _pool.KeyBlock(layer, _blocks[position / _pool.BlockTokens]) + (nint)((position % _pool.BlockTokens) * _pool.KvDim * _pool.ElementBytes);

    /// <summary>Address of position <paramref name="position"/>'s value row in <paramref name="layer"/>.</summary>
    public nint ValueRow(int layer, int position) =>
        _pool.ValueBlock(layer, _blocks[position / _pool.BlockTokens]) + (nint)((position % _pool.BlockTokens) * _pool.KvDim * _pool.ElementBytes);

    /// <summary>Writes the addresses of this sequence's blocks for one layer into the given spans.</summary>
    public int FillBlockAddresses(int layer, Span<nint> keys, Span<nint> values)
    {
        for (int b = 0; b < _blockCount; b++)
        {
            keys[b] = _pool.KeyBlock(layer, _blocks[b]);
            values[b] = _pool.ValueBlock(layer, _blocks[b]);
        }

        return _blockCount;
    }

    /// <summary>Returns every block to the pool and empties the sequence.</summary>
    public void Release()
    {
        for (int b = 0; b < _blockCount; b++)
        {
            _source.Free(_blocks[b]);
        }

        _blockCount = 0;
        Length = 0;
    }
}
