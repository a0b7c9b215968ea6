// Evidence of one embeddings call: the runtime that encoded, how many texts and tokens, and the inputs as a hash.
namespace Strata.Evidence;

/// <summary>What an embeddings call encoded (no text: the inputs appear only as a hash).</summary>
public sealed record EmbeddingSection
{
    /// <summary>The encoder's one-line description, e.g. "onnxruntime 1.32.0 (intra-op threads 2)".</summary>
    public required string Runtime { get; init; }

    /// <summary>Texts embedded.</summary>
    public int Inputs { get; init; }

    /// <summary>Width of each embedding.</summary>
    public int Dimensions { get; init; }

    /// <summary>Tokens encoded over all texts, [CLS] and [SEP] included, after truncation.</summary>
    public int PromptTokens { get; init; }

    /// <summary>Indices of the texts cut to the model's maximum token count; absent when none was.</summary>
    public IReadOnlyList<int>? TruncatedInputs { get; init; }

    /// <summary>SHA-256 (lowercase hex) over the inputs in order, each as its UTF-8 byte count (int32 LE) then its bytes.</summary>
    public string? InputsSha256 { get; init; }

    /// <summary>"float" or "base64", as the client asked.</summary>
    public string? EncodingFormat { get; init; }

    /// <summary>Time from arrival to the embeddings being ready, in milliseconds.</summary>
    public double EmbedMs { get; init; }
}
