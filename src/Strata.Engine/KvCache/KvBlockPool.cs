// A fixed pool of KV-cache blocks: each block holds BlockTokens positions of K and V for every layer.
using Strata.Substrate;

namespace Strata.Engine.KvCache;

/// <summary>
/// The KV cache's storage: per layer one native region of K and one of V, each
/// (blockCount, blockTokens, kvDim) f32. Blocks are handed out by id and returned; nothing is allocated after construction.
/// </summary>
public sealed class KvBlockPool : IKvBlockSource, IDisposable
{
    private readonly NativeBuffer[] _keys;   // per layer: (blockCount, blockTokens, kvDim) f32
    private readonly NativeBuffer[] _values; // per layer: (blockCount, blockTokens, kvDim) f32
    private readonly Stack<int> _free;
    private bool _disposed;

    /// <summary>Allocates the pool (pages are committed as blocks are first written).</summary>
    public KvBlockPool(int layers, int kvDim, int blockTokens, int blockCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockCount, 1);
        Layers = layers;
        KvDim = kvDim;
        BlockTokens = blockTokens;
        BlockCount = blockCount;
        BlockFloats = (long)blockTokens * kvDim;
        _keys = new NativeBuffer[layers];
        _values = new NativeBuffer[layers];
        long bytes = BlockFloats * blockCount * sizeof(float);
        for (int l = 0; l < layers; l++)
        {
            // Not zeroed: a position is always written (KvStore) before attention reads it, and untouched blocks then
            // cost no resident memory.
            _keys[l] = new NativeBuffer(bytes, zeroed: false);
            _values[l] = new NativeBuffer(bytes, zeroed: false);
        }

        _free = new Stack<int>(blockCount);
        for (int b = blockCount - 1; b >= 0; b--)
        {
            _free.Push(b);
        }
    }

    /// <summary>Decoder layers.</summary>
    public int Layers { get; }

    /// <summary>Floats per position per layer for K (and for V).</summary>
    public int KvDim { get; }

    /// <summary>Positions per block.</summary>
    public int BlockTokens { get; }

    /// <summary>Total blocks.</summary>
    public int BlockCount { get; }

    /// <summary>Floats of one block of one layer's K (or V).</summary>
    public long BlockFloats { get; }

    /// <summary>Blocks not in use.</summary>
    public int FreeBlocks => _free.Count;

    /// <summary>Bytes the pool holds.</summary>
    public long Bytes => 2L * Layers * BlockFloats * BlockCount * sizeof(float);

    /// <summary>Takes a free block.</summary>
    public bool TryAllocate(out int blockId) => _free.TryPop(out blockId);

    /// <summary>Returns a block to the pool.</summary>
    public void Free(int blockId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blockId, BlockCount);
        _free.Push(blockId);
    }

    /// <summary>Address of block <paramref name="blockId"/> of layer <paramref name="layer"/>'s keys.</summary>
    public nint KeyBlock(int layer, int blockId) => _keys[layer].Address + (nint)(blockId * BlockFloats * sizeof(float));

    /// <summary>Address of block <paramref name="blockId"/> of layer <paramref name="layer"/>'s values.</summary>
    public nint ValueBlock(int layer, int blockId) => _values[layer].Address + (nint)(blockId * BlockFloats * sizeof(float));

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int l = 0; l < Layers; l++)
        {
            _keys[l].Dispose();
            _values[l].Dispose();
        }
    }
}
