// ONNX Runtime as an embed-bench column: the reference the issue-20 golden was measured with.
using Strata.OnnxRuntime;

namespace Strata.Bench.Embed;

/// <summary><see cref="OnnxRuntimeEncoder"/> behind <see cref="IBenchEncoder"/>.</summary>
internal sealed class OnnxRuntimeBenchEncoder(OnnxRuntimeEncoder encoder) : IBenchEncoder
{
    public string Name { get; } = "onnxruntime " + OnnxRuntimeEncoder.RuntimeVersion;

    public int HiddenSize => encoder.HiddenSize;

    public void Encode(EncoderFeeds feeds, Span<float> lastHiddenState) => encoder.Run(feeds, lastHiddenState);

    public void Dispose() => encoder.Dispose();
}
