// A sequence submitted to the generation loop: its events, its cancellation, the passes it shared, and the hooks a front
// door overrides to add its own facts (a server's deadlines, metrics, logprobs).
using System.Threading.Channels;
using Strata.Engine.Generation;

namespace Strata.Engine.Batching;

/// <summary>
/// A caller's sequence in a <see cref="GenerationLoop"/>. The loop's thread calls the hooks; by default the text and the
/// completion go to <see cref="Events"/>. A front door derives from it to keep its own facts and events.
/// </summary>
public class LoopSequence : BatchSequence
{
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private volatile bool _cancelled;

    /// <summary>A sequence of <paramref name="state"/> (see <see cref="BatchSequence"/>).</summary>
    public LoopSequence(GenerationState state, int priority, long order, UInt128? prefixSalt)
        : base(state, priority, order, prefixSalt)
    {
    }

    /// <summary>Text as it completes, then the completion (unless a derived class routes them elsewhere).</summary>
    public ChannelReader<GenerationEvent> Events => _events.Reader;

    /// <summary>Passes this sequence took part in (at most 4096 kept), for evidence.</summary>
    public List<SharedPass> Passes { get; } = [];

    /// <summary>Set when it ended.</summary>
    public GenerationCompletion? Completion { get; private set; }

    /// <summary>The caller asked to end it.</summary>
    public bool Cancelled => _cancelled;

    /// <summary>Asks the loop to end it at its next pass (then <see cref="GenerationLoop.Poke"/> to wake an idle loop).</summary>
    public void Cancel() => _cancelled = true;

    /// <summary>
    /// Before each pass: a reason to end the sequence now, or null. By default, a cancellation. <paramref name="nowTicks"/>
    /// is a timestamp of the loop's <see cref="GenerationLoop.Time"/> (in its TimestampFrequency).
    /// </summary>
    protected internal virtual StopReason? EndNow(long nowTicks) => _cancelled ? StopReason.Cancelled : null;

    /// <summary>The sequence was admitted to run for the first time, at <paramref name="nowTicks"/> of <see cref="GenerationLoop.Time"/>.</summary>
    protected internal virtual void OnAdmitted(long nowTicks)
    {
    }

    /// <summary>A token step ran on its logits: <paramref name="stop"/> says whether it ends here.</summary>
    protected internal virtual void OnToken(int token, ReadOnlySpan<float> logits, StopReason? stop)
    {
    }

    /// <summary>New text is safe to show.</summary>
    protected internal virtual void OnText(string text) => _events.Writer.TryWrite(new GenerationEvent(text, null));

    /// <summary>It ended; <paramref name="rest"/> is the text not yet shown. The loop no longer touches it afterwards.</summary>
    protected internal virtual void OnEnd(GenerationCompletion completion, string rest)
    {
        _events.Writer.TryWrite(new GenerationEvent(rest, completion));
        _events.Writer.TryComplete();
    }

    internal void End(GenerationCompletion completion, string rest)
    {
        Completion = completion;
        OnEnd(completion, rest);
    }
}
