// Where a sequence is in its life inside the continuous batch.
namespace Strata.Engine.Batching;

/// <summary>Where a sequence is in its life.</summary>
public enum SequencePhase
{
    /// <summary>Waiting for a slot and KV blocks (also after a preemption).</summary>
    Waiting = 0,

    /// <summary>Computing its known tokens (prompt, or everything after a preemption) in chunks.</summary>
    Prefill = 1,

    /// <summary>One new token per forward pass.</summary>
    Decode = 2,

    /// <summary>Ended; its blocks are back with the allocator.</summary>
    Finished = 3,
}
