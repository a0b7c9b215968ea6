// Token types stored in tokenizer.ggml.token_type (llama.cpp's llama_token_type values).
namespace Strata.Engine.Tokenizers;

/// <summary>Per-token type from the GGUF <c>tokenizer.ggml.token_type</c> array.</summary>
public enum GgufTokenType
{
    /// <summary>No type given.</summary>
    Undefined = 0,

    /// <summary>Ordinary text piece.</summary>
    Normal = 1,

    /// <summary>The unknown token (e.g. &lt;unk&gt;).</summary>
    Unknown = 2,

    /// <summary>Control token (BOS, EOS, chat markers); never produced from plain text.</summary>
    Control = 3,

    /// <summary>Added token that is matched verbatim in the text before the tokenizer runs.</summary>
    UserDefined = 4,

    /// <summary>Unused slot.</summary>
    Unused = 5,

    /// <summary>Byte-fallback token &lt;0xXX&gt;.</summary>
    Byte = 6,
}
