// One request in the engine's generation loop: its request, timings, evidence batches, and the events its HTTP handler reads.
using System.Threading.Channels;
using Strata.Engine.Batching;
using Strata.Engine.Generation;
using Strata.Engine.Grammar;
using Strata.Engine.KvCache;
using Strata.Engine.Sampling;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>
/// A request as the generation loop runs it. The loop's thread calls the hooks; the server's own facts (deadline, client
/// gone, queue time, logprobs, metrics, admission) are added here and in <see cref="Scheduler"/>. Only the loop's thread
/// touches it, except <see cref="LoopSequence.Cancel"/>.
/// </summary>
internal sealed class ServingSequence : LoopSequence
{
    private readonly Channel<SequenceEvent> _events = Channel.CreateUnbounded<SequenceEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Scheduler _owner;
    private TokenLogprob? _pendingLogprob; // the last token's, until its text goes out

    public ServingSequence(ServingRequest request, long order, int contextTokens, int vocabSize, Scheduler owner)
        : base(new GenerationState(request.PromptTokens, request.MaxTokens, contextTokens, SamplerChain.FromOptions(request.Sampling, vocabSize),
            request.StopStrings, request.Grammar is null ? null : GrammarMatcher.Create(request.Grammar, owner.Runtime.Model.Tokenizer)),
            request.Tenant.Config.Priority, order, PrefixCache.Salt(request.Tenant.Name, owner.Name))
    {
        Request = request;
        _owner = owner;
        DeadlineTicks = request.DeadlineMs > 0
            ? request.ArrivalTicks + (long)(request.DeadlineMs * (owner.Time.TimestampFrequency / 1000.0))
            : long.MaxValue;
    }

    public ServingRequest Request { get; }

    /// <summary>Prompt then generated ids.</summary>
    public int[] Tokens => State.Tokens;

    public int Generated => State.Generated;

    public SamplerChain Sampler => State.Sampler;

    public GeneratedText Text => State.Text;

    /// <summary>Arrival plus the deadline, in timestamps of the scheduler's <see cref="Scheduler.Time"/>; long.MaxValue = none.</summary>
    public long DeadlineTicks { get; }

    public long FirstScheduledTicks { get; private set; }

    public long FirstTokenTicks { get; set; }

    public long LastTokenTicks { get; set; }

    public double ItlSumMs { get; set; }

    public double ItlMaxMs { get; set; }

    public List<BatchRun> Batches { get; } = [];

    /// <summary>How it ended, in the server's terms; null until then.</summary>
    public new SequenceCompletion? Completion { get; private set; }

    /// <summary>Text with logprobs as it completes, then the completion.</summary>
    public new ChannelReader<SequenceEvent> Events => _events.Reader;

    /// <summary>Completes once the loop has ended the sequence and no longer touches it.</summary>
    public Task Ended => _ended.Task;

    protected override StopReason? EndNow(long nowTicks) =>
        Cancelled ? StopReason.ClientGone : nowTicks > DeadlineTicks ? StopReason.Deadline : null;

    protected override void OnAdmitted(long nowTicks)
    {
        FirstScheduledTicks = nowTicks;
        _owner.Admitted(this, nowTicks);
    }

    protected override void OnToken(int token, ReadOnlySpan<float> logits, StopReason? stop) =>
        _pendingLogprob = _owner.TokenStepped(this, token, logits, stop);

    protected override void OnText(string text)
    {
        _events.Writer.TryWrite(new SequenceEvent(text, _pendingLogprob, null));
        _pendingLogprob = null;
    }

    // A sequence ended by the shutdown with no output has nothing to give: it ends with an error (503); one with output
    // ends like one cut by a limit, so a stream gets its final chunk and [DONE].
    protected override void OnEnd(GenerationCompletion completion, string rest)
    {
        string? error = completion.Error ?? (completion.Reason == StopReason.Shutdown && Generated == 0 ? "the server is shutting down" : null);
        if (rest.Length > 0 || _pendingLogprob is not null)
        {
            _events.Writer.TryWrite(new SequenceEvent(rest, _pendingLogprob, null));
        }

        Completion = new SequenceCompletion(completion.Reason, Request.PromptTokens.Length, Generated, error);
        _events.Writer.TryWrite(new SequenceEvent(string.Empty, null, Completion));
        _events.Writer.TryComplete();
        _ended.TrySetResult();
        _owner.Ended(this);
    }
}
