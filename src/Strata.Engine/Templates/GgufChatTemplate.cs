// A GGUF model's chat template and the texts of its BOS and EOS tokens, as a chat-template render needs them.
using Strata.Engine.Artifacts;
using Strata.Engine.Tokenizers;

namespace Strata.Engine.Templates;

/// <summary>The <c>tokenizer.chat_template</c> of a GGUF file with its BOS and EOS token texts ("" when it has none).</summary>
/// <param name="Source">the Jinja template text, or null when the file has none</param>
/// <param name="BosToken">the text of <c>tokenizer.ggml.bos_token_id</c>'s token</param>
/// <param name="EosToken">the text of <c>tokenizer.ggml.eos_token_id</c>'s token</param>
public sealed record GgufChatTemplate(string? Source, string BosToken, string EosToken)
{
    /// <summary>Metadata key of the default chat template.</summary>
    public const string MetadataKey = "tokenizer.chat_template";

    /// <summary>Reads the template and token texts of <paramref name="file"/> (token texts through its tokenizer).</summary>
    /// <exception cref="ModelFormatException">the chat template is not a string, or the tokenizer cannot be built</exception>
    public static GgufChatTemplate Read(GgufFile file) => Read(file, TokenizerFactory.FromGguf(file));

    /// <summary>Reads the template of <paramref name="file"/> with the token texts of its already built <paramref name="tokenizer"/>.</summary>
    /// <exception cref="ModelFormatException">the chat template is not a string</exception>
    public static GgufChatTemplate Read(GgufFile file, GgufTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(tokenizer);
        string? source = null;
        if (file.TryGetValue(MetadataKey, out var value) && !value.TryGetString(out source))
        {
            throw new ModelFormatException($"{Path.GetFileName(file.Path)}: metadata '{MetadataKey}' must be a string, found {value.Type}");
        }

        string Text(int id) => id >= 0 ? tokenizer.TokenText(id) : "";
        return new GgufChatTemplate(source, Text(tokenizer.BosId), Text(tokenizer.EosId));
    }
}
