// Scaled dot-product attention of one query position over a paged f32 or f16 KV cache, parallel over heads.
namespace Strata.Kernels;

/// <summary>Scaled dot-product attention of one query position over a paged f32 or f16 KV cache.</summary>
public static unsafe class Attention
{
    /// <summary>
    /// q: [Heads, HeadDim]; output: [Heads, HeadDim]. keyBlocks/valueBlocks: addresses of this layer's KV blocks, each
    /// BlockTokens rows of [KvHeads, HeadDim] f32 (f16 with <see cref="AttentionShape.HalfKv"/>, read exactly as f32).
    /// Positions 0..tokenCount-1 are visible. scores: scratch ≥ Heads·tokenCount.
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
            job.SkipBlocksBeforeWindow();
            pool.Run(in job, shape.Heads);
        }
    }

    /// <summary>
    /// Attention of <paramref name="rows"/> query rows, each over its own paged KV cache, in one pool dispatch over every
    /// (row, head) pair. Row r's query is q[r·qStride ..], its output output[r·outputStride ..]; its block addresses start at
    /// blockOffsets[r] in keyBlocks/valueBlocks, it sees tokenCounts[r] positions, and its scores use
    /// scores[scoreOffsets[r] ..] (Heads·tokenCounts[r] floats). Each row's result is bit-identical to
    /// <see cref="Run"/> on that row alone. Query heads that share a KV head go to one part when there are enough rows.
    /// </summary>
    /// <exception cref="ArgumentException">a buffer is too short for the rows it is given</exception>
    public static void RunBatch(WorkerPool pool, in AttentionShape shape, int rows, ReadOnlySpan<float> q, int qStride,
        ReadOnlySpan<nint> keyBlocks, ReadOnlySpan<nint> valueBlocks, ReadOnlySpan<int> blockOffsets, ReadOnlySpan<int> tokenCounts,
        ReadOnlySpan<long> scoreOffsets, Span<float> scores, Span<float> output, int outputStride)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (rows <= 0)
        {
            return;
        }

        long width = (long)shape.Heads * shape.HeadDim;
        if (shape.Heads <= 0 || shape.KvHeads <= 0 || shape.HeadDim <= 0 || shape.BlockTokens <= 0 || shape.Heads % shape.KvHeads != 0
            || qStride < width || outputStride < width)
        {
            throw new ArgumentException($"Invalid attention shape {shape} or strides {qStride}, {outputStride}.", nameof(shape));
        }

        if (blockOffsets.Length < rows || tokenCounts.Length < rows || scoreOffsets.Length < rows
            || q.Length < ((long)(rows - 1) * qStride) + width || output.Length < ((long)(rows - 1) * outputStride) + width)
        {
            throw new ArgumentException($"the buffers do not hold {rows} rows", nameof(rows));
        }

        for (int r = 0; r < rows; r++)
        {
            int blocks = (tokenCounts[r] + shape.BlockTokens - 1) / shape.BlockTokens;
            if (tokenCounts[r] < 0 || blockOffsets[r] < 0 || blockOffsets[r] + blocks > keyBlocks.Length || blockOffsets[r] + blocks > valueBlocks.Length
                || scoreOffsets[r] < 0 || scoreOffsets[r] + ((long)shape.Heads * tokenCounts[r]) > scores.Length)
            {
                throw new ArgumentException($"row {r}: {tokenCounts[r]} tokens do not fit its blocks or scores", nameof(tokenCounts));
            }
        }

        // A part per KV head reads each key and value row once for all the query heads that share it, when that still
        // leaves the pool enough parts (one decode row of a model with 3 KV heads does not); results are the same.
        int group = rows * shape.KvHeads >= 4 * pool.ThreadCount ? shape.Heads / shape.KvHeads : 1;
        fixed (float* pq = q)
        fixed (nint* pk = keyBlocks)
        fixed (nint* pv = valueBlocks)
        fixed (int* pb = blockOffsets)
        fixed (int* pt = tokenCounts)
        fixed (long* pso = scoreOffsets)
        fixed (float* ps = scores)
        fixed (float* po = output)
        {
            AttentionBatchJob job = new()
            {
                Shape = shape,
                Q = pq,
                QStride = qStride,
                Keys = pk,
                Values = pv,
                BlockOffsets = pb,
                Tokens = pt,
                ScoreOffsets = pso,
                Scores = ps,
                Output = po,
                OutputStride = outputStride,
                Group = group,
            };
            pool.Run(in job, rows * (shape.Heads / group));
        }
    }
}
