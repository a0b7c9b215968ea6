// A sequence submitted to the generation loop: its events channel, its cancellation and the passes it shared.
using System.Threading.Channels;
using Strata.Engine.Generation;

namespace Strata.Engine.Batching;

/// <summary>A caller's sequence in a <see cref="GenerationLoop"/>. Read <see cref="Events"/> to the end.</summary>
public sealed class LoopSequence : BatchSequence
{
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private volatile bool _cancelled;

    internal LoopSequence(GenerationState state, int priority, long order, UInt128? prefixSalt)
        : base(state, priority, order, prefixSalt)
    {
    }

    /// <summary>Text as it completes, then the completion.</summary>
    public ChannelReader<GenerationEvent> Events => _events.Reader;

    /// <summary>Passes this sequence took part in (at most 4096 kept), for evidence.</summary>
    public List<SharedPass> Passes { get; } = [];

    /// <summary>Set when it ended.</summary>
    public GenerationCompletion? Completion { get; private set; }

    /// <summary>Asks the loop to end it (with <see cref="StopReason.Cancelled"/>) at its next pass.</summary>
    public void Cancel() => _cancelled = true;

    internal bool Cancelled => _cancelled;

    internal void Emit(string text) => _events.Writer.TryWrite(new GenerationEvent(text, null));

    internal void End(GenerationCompletion completion, string rest)
    {
        Completion = completion;
        _events.Writer.TryWrite(new GenerationEvent(rest, completion));
        _events.Writer.TryComplete();
    }
}
