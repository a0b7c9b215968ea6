// Where a sequence takes its KV blocks from and gives them back: the plain pool, or a serving layer's shared prefix cache.
namespace Strata.Engine.KvCache;

/// <summary>Hands out block ids of one <see cref="KvBlockPool"/> and takes them back.</summary>
public interface IKvBlockSource
{
    /// <summary>Takes a block for exclusive writing; false when none can be had.</summary>
    bool TryAllocate(out int blockId);

    /// <summary>Gives back one reference to a block.</summary>
    void Free(int blockId);
}
