// The tokenizer contract the engine uses: text → token ids, token ids → UTF-8 bytes/text, end-of-generation test.
namespace Strata.Engine.Tokenizers;

/// <summary>
/// A tokenizer. Encoding never parses special-token text (llama.cpp's parse_special = false): "&lt;s&gt;" in the
/// text is tokenized as characters. User-defined (added) tokens are still matched verbatim, as llama.cpp does.
/// </summary>
public interface ITokenizer
{
    /// <summary>Short name of the algorithm ("spm", "bpe", "wpm", "llama2c").</summary>
    string Kind { get; }

    /// <summary>Number of token ids.</summary>
    int VocabSize { get; }

    /// <summary>Beginning-of-sequence id (for WordPiece: [CLS]), or -1 when none.</summary>
    int BosId { get; }

    /// <summary>End-of-sequence id, or -1 when none.</summary>
    int EosId { get; }

    /// <summary>Whether <see cref="Encode(ReadOnlySpan{char}, bool, List{int})"/> with addSpecial prepends <see cref="BosId"/>.</summary>
    bool AddBosByDefault { get; }

    /// <summary>Whether addSpecial appends an end token (<see cref="EosId"/>; for WordPiece, [SEP]).</summary>
    bool AddEosByDefault { get; }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="output"/>; addSpecial adds BOS/EOS per the defaults.</summary>
    void Encode(ReadOnlySpan<char> text, bool addSpecial, List<int> output);

    /// <summary>Returns the ids of <paramref name="text"/>; addSpecial adds BOS/EOS per the defaults.</summary>
    int[] Encode(string text, bool addSpecial);

    /// <summary>
    /// Returns the ids of <paramref name="text"/> with the text of the model's special tokens (control, unknown and
    /// user-defined) read as those tokens (llama.cpp's parse_special = true), as a rendered chat template needs:
    /// "&lt;|im_start|&gt;" becomes its one id. A tokenizer without special-token texts encodes as <see cref="Encode(string, bool)"/>.
    /// </summary>
    int[] EncodeParsingSpecial(string text, bool addSpecial) => Encode(text, addSpecial);

    /// <summary>
    /// The UTF-8 bytes token <paramref name="tokenId"/> decodes to, without allocating. Control and unknown tokens
    /// decode to nothing (llama_token_to_piece with special = false). A piece may be part of a UTF-8 sequence.
    /// </summary>
    ReadOnlySpan<byte> TokenBytes(int tokenId);

    /// <summary>Appends <see cref="TokenBytes(int)"/> of <paramref name="tokenId"/> to <paramref name="utf8"/>.</summary>
    void AppendPiece(int tokenId, List<byte> utf8);

    /// <summary>Decodes a sequence to text (invalid UTF-8 becomes U+FFFD); see each tokenizer for leading-space rules.</summary>
    string Decode(ReadOnlySpan<int> ids);

    /// <summary>True for ids that end generation (EOS, EOT, EOM and llama.cpp's end-of-generation tokens).</summary>
    bool IsEndOfGeneration(int tokenId);
}
