// One request inside the scheduler: its tokens, KV block table, sampler, text, timings and the channel its events go to.
using System.Diagnostics;
using System.Threading.Channels;
using Strata.Engine.Batching;
using Strata.Engine.Generation;
using Strata.Engine.KvCache;
using Strata.Engine.Sampling;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>The scheduler's state for one request. Only the scheduler thread touches it, except <see cref="Cancel"/>.</summary>
internal sealed class ServingSequence : BatchSequence
{
    private readonly Channel<SequenceEvent> _events = Channel.CreateUnbounded<SequenceEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _cancelled;

    public ServingSequence(ServingRequest request, long order, int contextTokens, int vocabSize, string model)
        : base(new GenerationState(request.PromptTokens, request.MaxTokens, contextTokens, SamplerChain.FromOptions(request.Sampling, vocabSize),
            request.StopStrings), request.Tenant.Config.Priority, order, PrefixCache.Salt(request.Tenant.Name, model))
    {
        Request = request;
        DeadlineTicks = request.DeadlineMs > 0
            ? request.ArrivalTicks + (long)(request.DeadlineMs * (Stopwatch.Frequency / 1000.0))
            : long.MaxValue;
    }

    public ServingRequest Request { get; }

    /// <summary>Prompt then generated ids.</summary>
    public int[] Tokens => State.Tokens;

    public int TokenCount => State.Count;

    public int Generated => State.Generated;

    public SamplerChain Sampler => State.Sampler;

    public GeneratedText Text => State.Text;

    public long DeadlineTicks { get; }

    public long FirstScheduledTicks { get; set; }

    public long FirstTokenTicks { get; set; }

    public long LastTokenTicks { get; set; }

    public double ItlSumMs { get; set; }

    public double ItlMaxMs { get; set; }

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
