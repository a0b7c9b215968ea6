// Strata's compiled executable as an embed-bench column: the same model through the graph compiler and runner.
using Strata.Engine.Embeddings;
using Strata.OnnxRuntime;

namespace Strata.Bench.Embed;

/// <summary><see cref="CompiledSentenceEncoder"/> behind <see cref="IBenchEncoder"/>.</summary>
internal sealed class StrataBenchEncoder(CompiledSentenceEncoder encoder) : IBenchEncoder
{
    public string Name { get; } = "strata " + encoder.Executable.ContentHash[..8];

    public int HiddenSize => encoder.HiddenSize;

    /// <summary>The compiled encoder (its runner profiles where the time goes).</summary>
    public CompiledSentenceEncoder Encoder => encoder;

    public void Encode(EncoderFeeds feeds, Span<float> lastHiddenState)
    {
        var counts = new int[feeds.BatchSize];
        Array.Fill(counts, feeds.SequenceLength);
        encoder.Encode(new BertInput(feeds.InputIds, feeds.AttentionMask, feeds.TokenTypeIds, feeds.BatchSize, feeds.SequenceLength, counts, []), lastHiddenState);
    }

    public void Dispose() => encoder.Dispose();
}
