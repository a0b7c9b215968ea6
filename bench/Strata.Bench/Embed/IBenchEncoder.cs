// The seam every encoder in embed-bench runs behind: ONNX Runtime now, Strata's compiled executable next.
using Strata.OnnxRuntime;

namespace Strata.Bench.Embed;

/// <summary>An encoder timed by <see cref="EmbedBench"/>: one column of its table.</summary>
internal interface IBenchEncoder : IDisposable
{
    /// <summary>Column heading, e.g. "onnxruntime 1.32.0".</summary>
    string Name { get; }

    /// <summary>Width of one token vector of last_hidden_state.</summary>
    int HiddenSize { get; }

    /// <summary>One timed call: wrap the inputs, run the model, copy last_hidden_state (batch, sequence, hidden) out.</summary>
    void Encode(EncoderFeeds feeds, Span<float> lastHiddenState);
}
