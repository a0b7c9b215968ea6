// One sequence as the batch scheduler sees it: its generation state, priority, KV block table and prefix-cache chain.
using Strata.Engine.Generation;
using Strata.Engine.KvCache;

namespace Strata.Engine.Batching;

/// <summary>
/// The engine's part of a sequence in a continuous batch. Only the thread that runs the model touches it. Front doors
/// derive from it to carry their own facts (a server's request, events, timings).
/// </summary>
public class BatchSequence
{
    /// <summary>A sequence of <paramref name="state"/>'s tokens.</summary>
    /// <param name="state">prompt, sampler, text and limits</param>
    /// <param name="priority">higher is scheduled first</param>
    /// <param name="order">arrival order; ties in priority go to the earlier</param>
    /// <param name="prefixSalt">first link of its prefix-cache chain (e.g. per tenant and model); null = no prefix caching</param>
    public BatchSequence(GenerationState state, int priority, long order, UInt128? prefixSalt)
    {
        State = state;
        Priority = priority;
        Order = order;
        PrefixSalt = prefixSalt;
    }

    /// <summary>Ids, sampler and text; the last generated id is not in the KV cache yet while decoding.</summary>
    public GenerationState State { get; }

    /// <summary>Higher is scheduled first.</summary>
    public int Priority { get; }

    /// <summary>Arrival order.</summary>
    public long Order { get; }

    /// <summary>First link of the prefix-cache chain; null = its blocks are neither looked up nor registered.</summary>
    public UInt128? PrefixSalt { get; }

    /// <summary>Where it is in its life.</summary>
    public SequencePhase Phase { get; internal set; } = SequencePhase.Waiting;

    /// <summary>Its block table while it runs; null while waiting or finished.</summary>
    public SequenceKv? Kv { get; internal set; }

    /// <summary>Blocks registered in the prefix cache so far, and the chained hash after them.</summary>
    internal int RegisteredBlocks { get; set; }

    internal UInt128 ChainHash { get; set; }

    /// <summary>Prompt blocks found in the prefix cache, over every admission.</summary>
    public int HitBlocks { get; internal set; }

    /// <summary>Times it was preempted (its blocks released, to be recomputed).</summary>
    public int Preemptions { get; internal set; }

    /// <summary>Set once it was first admitted to run.</summary>
    public bool EverScheduled { get; internal set; }
}
