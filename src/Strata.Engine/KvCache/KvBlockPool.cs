// A fixed pool of KV-cache blocks: each block holds BlockTokens positions of K and V for every layer.
using Strata.Substrate;

namespace Strata.Engine.KvCache;

/// <summary>
/// The KV cache's storage: per layer one native region of K and one of V, each (blockCount, blockTokens, kvDim) f32, or
/// f16 (half the memory; values rounded to nearest even as they are stored, as llama.cpp's default cache type does).
/// It only holds memory: <see cref="PrefixCache"/> decides which block ids are free. Nothing is allocated after construction.
/// </summary>
public sealed class KvBlockPool : IDisposable
{
    private readonly NativeBuffer[] _keys;   // per layer: (blockCount, blockTokens, kvDim) f32 or f16
    private readonly NativeBuffer[] _values; // per layer: (blockCount, blockTokens, kvDim) f32 or f16
    private bool _disposed;

    /// <summary>Allocates the pool (pages are committed as blocks are first written); f16 elements with <paramref name="half"/>.</summary>
    public KvBlockPool(int layers, int kvDim, int blockTokens, int blockCount, bool half = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockCount, 1);
        Layers = layers;
        KvDim = kvDim;
        BlockTokens = blockTokens;
        BlockCount = blockCount;
        Half = half;
        ElementBytes = half ? sizeof(ushort) : sizeof(float);
        BlockFloats = (long)blockTokens * kvDim;
        _keys = new NativeBuffer[layers];
        _values = new NativeBuffer[layers];
        long bytes = BlockFloats * blockCount * ElementBytes;
        for (int l = 0; l < layers; l++)
        {
            // Not zeroed: a position is always written (KvStore) before attention reads it, and untouched blocks then
            // cost no resident memory.
            _keys[l] = new NativeBuffer(bytes, zeroed: false);
            _values[l] = new NativeBuffer(bytes, zeroed: false);
        }
    }

    /// <summary>Decoder layers.</summary>
    public int Layers { get; }

    /// <summary>The elements are f16 (else f32).</summary>
    public bool Half { get; }

    /// <summary>Bytes per element: 2 or 4.</summary>
    public int ElementBytes { get; }

    /// <summary>Elements per position per layer for K (and for V).</summary>
    public int KvDim { get; }

    /// <summary>Positions per block.</summary>
    public int BlockTokens { get; }

    /// <summary>Total blocks.</summary>
    public int BlockCount { get; }

    /// <summary>Elements of one block of one layer's K (or V).</summary>
    public long BlockFloats { get; }

    /// <summary>Bytes the pool holds.</summary>
    public long Bytes => 2L * Layers * BlockFloats * BlockCount * ElementBytes;

    /// <summary>Address of block <paramref name="blockId"/> of layer <paramref name="layer"/>'s keys.</summary>
    public nint KeyBlock(int layer, int blockId) => _keys[layer].Address + (nint)(blockId * BlockFloats * ElementBytes);

    /// <summary>Address of block <paramref name="blockId"/> of layer <paramref name="layer"/>'s values.</summary>
    public nint ValueBlock(int layer, int blockId) => _values[layer].Address + (nint)(blockId * BlockFloats * ElementBytes);

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
