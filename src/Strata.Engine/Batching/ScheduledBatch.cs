// The batch scheduler's output: plain data that says which sequences run in the next pass and which rows each gets.
namespace Strata.Engine.Batching;

/// <summary>One sequence's rows in a pass: positions [From, To) of its tokens; a decode chunk is one row.</summary>
/// <param name="Sequence">the sequence</param>
/// <param name="From">first position computed</param>
/// <param name="To">KV length after the pass</param>
/// <param name="WantsLogits">the last row produces logits (a decode row, or the last prompt token)</param>
public readonly record struct ScheduledChunk(BatchSequence Sequence, int From, int To, bool WantsLogits);

/// <summary>
/// What <see cref="BatchScheduler.Schedule"/> decided for one pass. Reused from pass to pass (cleared, never
/// reallocated once its lists have grown).
/// </summary>
public sealed class ScheduledBatch
{
    /// <summary>Decode rows first (in priority order), then prompt chunks filling the rest of the batch.</summary>
    public List<ScheduledChunk> Chunks { get; } = [];

    /// <summary>Sequences admitted to run in this pass for the first time ever (queue time ends).</summary>
    public List<BatchSequence> FirstAdmitted { get; } = [];

    /// <summary>Sequences preempted in this pass: blocks released, back to waiting, to be recomputed.</summary>
    public List<BatchSequence> Preempted { get; } = [];

    /// <summary>Rows in the pass.</summary>
    public int Rows { get; internal set; }

    /// <summary>Empties it for the next pass.</summary>
    public void Clear()
    {
        Chunks.Clear();
        FirstAdmitted.Clear();
        Preempted.Clear();
        Rows = 0;
    }
}
