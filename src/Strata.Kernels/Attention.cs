// Scaled dot-product attention of one query position over a paged f32 KV cache, parallel over heads.
namespace Strata.Kernels;

/// <summary>Scaled dot-product attention of one query position over a paged f32 KV cache.</summary>
public static unsafe class Attention
{
    /// <summary>
    /// q: [Heads, HeadDim]; output: [Heads, HeadDim]. keyBlocks/valueBlocks: addresses of this layer's KV blocks, each
    /// BlockTokens rows of [KvHeads, HeadDim] f32. Positions 0..tokenCount-1 are visible. scores: scratch ≥ Heads·tokenCount.
    /// Query head h reads KV head h / (Heads / KvHeads). Parallel over heads.
    /// </summary>
    /// <remarks>With tokenCount 0 the output is zero. On return scores holds each head's probabilities.</remarks>
    /// <exception cref="ArgumentException">The shape is inconsistent or a buffer is too short.</exception>
    public static void Run(WorkerPool pool, in AttentionShape shape, ReadOnlySpan<float> q, ReadOnlySpan<nint> keyBlocks,
        ReadOnlySpan<nint> valueBlocks, int tokenCount, Span<float> scores, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(tokenCount);
        if (shape.Heads <= 0 || shape.KvHeads <= 0 || shape.HeadDim <= 0 || shape.BlockTokens <= 0
            || shape.Heads % shape.KvHeads != 0)
        {
            throw new ArgumentException($"Invalid attention shape {shape}.", nameof(shape));
        }

        long width = (long)shape.Heads * shape.HeadDim;
        int blocks = (tokenCount + shape.BlockTokens - 1) / shape.BlockTokens;
        if (q.Length < width || output.Length < width)
        {
            throw new ArgumentException($"q and output need {width} floats; got {q.Length} and {output.Length}.", nameof(q));
        }

        if (keyBlocks.Length < blocks || valueBlocks.Length < blocks)
        {
            throw new ArgumentException($"{tokenCount} tokens need {blocks} KV blocks; got {keyBlocks.Length} keys and "
                + $"{valueBlocks.Length} values.", nameof(keyBlocks));
        }

        if (scores.Length < (long)shape.Heads * tokenCount)
        {
            throw new ArgumentException($"scores needs {(long)shape.Heads * tokenCount} floats; got {scores.Length}.",
                nameof(scores));
        }

        for (int b = 0; b < blocks; b++)
        {
            if (keyBlocks[b] == 0 || valueBlocks[b] == 0)
            {
                throw new ArgumentException($"KV block {b} has a null address.", nameof(keyBlocks));
            }
        }

        fixed (float* pq = q)
        fixed (nint* pk = keyBlocks)
        fixed (nint* pv = valueBlocks)
        fixed (float* ps = scores)
        fixed (float* po = output)
        {
            AttentionJob job = new()
            {
                Shape = shape,
                Q = pq,
                Keys = pk,
                Values = pv,
                Tokens = tokenCount,
                Scores = ps,
                Output = po,
            };
            pool.Run(in job, shape.Heads);
        }
    }
}
