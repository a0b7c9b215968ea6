// The model step: turns a scheduled batch into one forward pass of the executable.
using Strata.Engine.Runtime;

namespace Strata.Engine.Batching;

/// <summary>
/// Runs a <see cref="ScheduledBatch"/> through the runtime's executable: one row per scheduled position, logits for the
/// rows that want them (<see cref="BatchScheduler.Complete"/> then advances the sequences). Allocates nothing once its
/// buffers have grown.
/// </summary>
public sealed class ModelStep
{
    private readonly ModelRuntime _runtime;
    private readonly ForwardBatch _batch;
    private readonly List<BatchSequence> _outputs = [];

    /// <summary>A step over <paramref name="runtime"/>, with a batch of its executable's capacity.</summary>
    public ModelStep(ModelRuntime runtime)
    {
        _runtime = runtime;
        _batch = new ForwardBatch(runtime.Executable.MaxBatchTokens, runtime.Executable.MaxOutputRows);
    }

    /// <summary>Rows one pass can hold.</summary>
    public int Capacity => _batch.Capacity;

    /// <summary>After <see cref="Run"/>: the sequences whose logits came out, in output order (logits of output o: <see cref="Logits"/>).</summary>
    public IReadOnlyList<BatchSequence> Outputs => _outputs;

    /// <summary>The logits of output <paramref name="output"/> of the last run.</summary>
    public ReadOnlySpan<float> Logits(int output) => _runtime.Runner.Logits(output);

    /// <summary>Runs the pass; does nothing for a plan without rows.</summary>
    public void Run(ScheduledBatch plan)
    {
        _batch.Clear();
        _outputs.Clear();
        if (plan.Rows == 0)
        {
            return;
        }

        foreach (var chunk in plan.Chunks)
        {
            var s = chunk.Sequence;
            var tokens = s.State.Tokens;
            for (int p = chunk.From; p < chunk.To; p++)
            {
                bool logits = chunk.WantsLogits && p == chunk.To - 1;
                _batch.Add(tokens[p], p, s.Kv!, logits);
                if (logits)
                {
                    _outputs.Add(s);
                }
            }
        }

        _runtime.Runner.Run(_batch);
    }
}
