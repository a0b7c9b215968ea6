// Texts in, sentence embeddings out: tokenize, sort by length, encode in chunks through the one ISentenceEncoder,
// mean-pool with the attention mask, L2-normalise; the results come back in input order with their token counts.
using System.Buffers;

namespace Strata.Engine.Embeddings;

/// <summary>
/// The one embeddings path for the CLI, the server and <see cref="StrataEmbeddingGenerator"/>. Thread-safe: callers
/// tokenize and pool concurrently, and their encoder calls take turns. Owns (and disposes) the encoder.
/// </summary>
public sealed class Embedder : IDisposable
{
    /// <summary>Most texts in one encoder call: a longer list is encoded in chunks of this many, shortest texts first.</summary>
    public const int MaxTextsPerEncode = 32;

    private readonly BertInputBuilder _builder;
    private readonly ISentenceEncoder _encoder;
    private readonly SemaphoreSlim _encoderTurn = new(1, 1);

    /// <summary>Embeds with <paramref name="builder"/>'s vocabulary through <paramref name="encoder"/>.</summary>
    public Embedder(BertInputBuilder builder, ISentenceEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentOutOfRangeException.ThrowIfLessThan(encoder.MaxTokens, 2, nameof(encoder));
        _builder = builder;
        _encoder = encoder;
    }

    /// <summary>Width of one embedding (the encoder's hidden size).</summary>
    public int Dimensions => _encoder.HiddenSize;

    /// <summary>Tokens a text is cut to, [CLS] and [SEP] included.</summary>
    public int MaxTokens => _encoder.MaxTokens;

    /// <summary>The encoder's one-line description (runtime and version), for evidence.</summary>
    public string Runtime => _encoder.Describe;

    /// <summary>The tokens <see cref="Embed"/> would encode <paramref name="texts"/> with (each capped at <see cref="MaxTokens"/>).</summary>
    /// <exception cref="ArgumentException">No texts, or a null or empty one (the message names its index).</exception>
    public int CountTokens(IReadOnlyList<string> texts)
    {
        Validate(texts);
        int total = 0;
        foreach (string text in texts)
        {
            total += Math.Min(_builder.Encode(text).Count, MaxTokens);
        }

        return total;
    }

    /// <summary>The normalised embedding of every text, in input order.</summary>
    /// <exception cref="ArgumentException">No texts, or a null or empty one (the message names its index).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled between two encoder calls.</exception>
    public EmbeddingResult Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        Validate(texts);
        var tokenIds = new IReadOnlyList<int>[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            tokenIds[i] = _builder.Encode(texts[i]);
        }

        int[] order = ShortestFirst(tokenIds);
        var embeddings = new float[texts.Count][];
        var tokenCounts = new int[texts.Count];
        var truncated = new List<int>();
        for (int start = 0; start < order.Length; start += MaxTextsPerEncode)
        {
            cancellation.ThrowIfCancellationRequested();
            int[] chunk = order[start..Math.Min(order.Length, start + MaxTextsPerEncode)];
            var rows = new IReadOnlyList<int>[chunk.Length];
            for (int r = 0; r < chunk.Length; r++)
            {
                rows[r] = tokenIds[chunk[r]];
            }

            BertInput input = _builder.Pack(rows, MaxTokens);
            float[][] chunkEmbeddings = EmbedBatch(input, cancellation);
            for (int r = 0; r < chunk.Length; r++)
            {
                embeddings[chunk[r]] = chunkEmbeddings[r];
                tokenCounts[chunk[r]] = input.TokenCounts[r];
            }

            foreach (int row in input.TruncatedRows)
            {
                truncated.Add(chunk[row]);
            }
        }

        truncated.Sort();
        return new EmbeddingResult(embeddings, tokenCounts, [.. truncated]);
    }

    /// <summary><see cref="Embed"/> on the thread pool.</summary>
    public Task<EmbeddingResult> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        Validate(texts);
        return Task.Run(() => Embed(texts, cancellation), cancellation);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _encoder.Dispose();
        _encoderTurn.Dispose();
    }

    // One encoder call (waiting for the encoder's turn), then pooling outside the turn.
    private float[][] EmbedBatch(BertInput input, CancellationToken cancellation)
    {
        int hidden = Dimensions;
        int length = input.BatchSize * input.SequenceLength * hidden;
        float[] lastHiddenState = ArrayPool<float>.Shared.Rent(length); // (batch, sequence, hidden)
        try
        {
            _encoderTurn.Wait(cancellation);
            try
            {
                _encoder.Encode(input, lastHiddenState.AsSpan(0, length));
            }
            finally
            {
                _encoderTurn.Release();
            }

            var pooled = new float[input.BatchSize * hidden]; // (batch, hidden)
            SentencePooling.Embed(lastHiddenState.AsSpan(0, length), input.AttentionMask, pooled, hidden);
            var rows = new float[input.BatchSize][];
            for (int r = 0; r < rows.Length; r++)
            {
                rows[r] = pooled.AsSpan(r * hidden, hidden).ToArray();
            }

            return rows;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(lastHiddenState);
        }
    }

    // Indices by token count, ties in input order, so a chunk holds texts of similar length and pads little.
    private static int[] ShortestFirst(IReadOnlyList<int>[] tokenIds)
    {
        var order = new int[tokenIds.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => tokenIds[a].Count != tokenIds[b].Count ? tokenIds[a].Count.CompareTo(tokenIds[b].Count) : a.CompareTo(b));
        return order;
    }

    private static void Validate(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("No text to embed: give at least one.", nameof(texts));
        }

        for (int i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrEmpty(texts[i]))
            {
                throw new ArgumentException($"Text {i} is {(texts[i] is null ? "null" : "empty")}; every text to embed needs at least one character.", nameof(texts));
            }
        }
    }
}
