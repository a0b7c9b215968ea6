// One request inside the scheduler: its tokens, KV block table, sampler, text, timings and the channel its events go to.
using System.Diagnostics;
using System.Threading.Channels;
using Strata.Engine.Generation;
using Strata.Engine.KvCache;
using Strata.Engine.Sampling;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>Where a sequence is in its life.</summary>
internal enum SequencePhase
{
    /// <summary>Admitted, waiting for a slot and KV blocks (also after a preemption).</summary>
    Waiting,

    /// <summary>Computing its known tokens (prompt, or everything after a preemption) in chunks.</summary>
    Prefill,

    /// <summary>One new token per forward pass.</summary>
    Decode,

    /// <summary>Ended; its blocks are back in the cache.</summary>
    Finished,
}

/// <summary>The scheduler's state for one request. Only the scheduler thread touches it, except <see cref="Cancel"/>.</summary>
internal sealed class ServingSequence
{
    private readonly Channel<SequenceEvent> _events = Channel.CreateUnbounded<SequenceEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _cancelled;

    public ServingSequence(ServingRequest request, long order, int contextTokens, int vocabSize)
    {
        Request = request;
        Order = order;
        Tokens = new int[contextTokens + 1];
        request.PromptTokens.CopyTo(Tokens, 0);
        TokenCount = request.PromptTokens.Length;
        Sampler = SamplerChain.FromOptions(request.Sampling, vocabSize);
        Text = new GeneratedText(request.StopStrings, Math.Min(request.MaxTokens, contextTokens));
        DeadlineTicks = request.DeadlineMs > 0
            ? request.ArrivalTicks + (long)(request.DeadlineMs * (Stopwatch.Frequency / 1000.0))
            : long.MaxValue;
    }

    public ServingRequest Request { get; }

    /// <summary>Arrival order (ties in priority go to the earlier).</summary>
    public long Order { get; }

    public SequencePhase Phase { get; set; } = SequencePhase.Waiting;

    /// <summary>Prompt then generated ids; the last generated one is not in the KV cache yet while decoding.</summary>
    public int[] Tokens { get; }

    public int TokenCount { get; set; }

    public int Generated { get; set; }

    public SamplerChain Sampler { get; }

    public GeneratedText Text { get; }

    public SequenceKv? Kv { get; set; }

    /// <summary>Blocks of this sequence registered in the prefix cache so far, and the chained hash after them.</summary>
    public int RegisteredBlocks { get; set; }

    public UInt128 ChainHash { get; set; }

    public long DeadlineTicks { get; }

    public long FirstScheduledTicks { get; set; }

    public long FirstTokenTicks { get; set; }

    public long LastTokenTicks { get; set; }

    public double ItlSumMs { get; set; }

    public double ItlMaxMs { get; set; }

    public int HitBlocks { get; set; }

    public int Preemptions { get; set; }

    public bool LeftQueue { get; set; }

    public List<BatchRun> Batches { get; } = [];

    public SequenceCompletion? Completion { get; set; }

    /// <summary>The client is gone: the scheduler ends the sequence and frees its blocks at its next pass.</summary>
    public bool Cancelled => _cancelled;

    public ChannelReader<SequenceEvent> Events => _events.Reader;

    public void Cancel() => _cancelled = true;

    public void Emit(SequenceEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Completes once the scheduler has ended the sequence and no longer touches it.</summary>
    public Task Ended => _ended.Task;

    public void Complete()
    {
        _events.Writer.TryComplete();
        _ended.TrySetResult();
    }
}
