// Forward passes for one sequence: prompt evaluation in batch-sized chunks, and single-token decode steps.
using Strata.Engine.KvCache;

namespace Strata.Engine.Runtime;

/// <summary>Fills a batch for one sequence, reserves its KV blocks, runs the executable and advances the sequence.</summary>
public static class SequenceForward
{
    /// <summary>
    /// Evaluates <paramref name="tokens"/> at the sequence's next positions in chunks of the batch capacity; only the last
    /// token produces logits (output row 0 of the runner). <paramref name="cancellation"/> is checked before each chunk, so a
    /// long prompt stops within one chunk's time.
    /// </summary>
    /// <returns>true when every token was evaluated; false when cancelled first (the sequence holds the chunks done)</returns>
    public static bool Prefill(ModelRuntime runtime, ForwardBatch batch, SequenceKv sequence, ReadOnlySpan<int> tokens,
        CancellationToken cancellation = default)
    {
        int start = sequence.Length;
        int end = start + tokens.Length;
        for (int begin = start; begin < end; begin += batch.Capacity)
        {
            if (cancellation.IsCancellationRequested)
            {
                return false;
            }

            int chunkEnd = Math.Min(begin + batch.Capacity, end);
            Reserve(runtime, sequence, chunkEnd);
            batch.Clear();
            for (int p = begin; p < chunkEnd; p++)
            {
                batch.Add(tokens[p - start], p, sequence, wantsLogits: p == end - 1);
            }

            runtime.Runner.Run(batch);
            sequence.Advance(chunkEnd);
        }

        return true;
    }

    /// <summary>Evaluates one token at the sequence's next position; its logits are output row 0.</summary>
    public static void Decode(ModelRuntime runtime, ForwardBatch batch, SequenceKv sequence, int token)
    {
        int position = sequence.Length;
        Reserve(runtime, sequence, position + 1);
        batch.Clear();
        batch.Add(token, position, sequence, wantsLogits: true);
        runtime.Runner.Run(batch);
        sequence.Advance(position + 1);
    }

    private static void Reserve(ModelRuntime runtime, SequenceKv sequence, int tokens)
    {
        if (!sequence.TryReserve(tokens))
        {
            throw new InvalidOperationException(
                $"KV cache cannot hold position {tokens - 1}: {runtime.KvBlocks.AvailableBlocks} of {runtime.KvPool.BlockCount} blocks available, "
                + $"sequence limit {sequence.MaxTokens} positions");
        }
    }
}
