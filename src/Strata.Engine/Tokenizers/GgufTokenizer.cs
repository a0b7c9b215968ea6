// Common base of the tokenizers built from GGUF metadata: special ids, added-token splitting, pieces, decoding, EOG.
using System.Text;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// Base of the GGUF tokenizers. End of generation (<see cref="IsEndOfGeneration"/>) is: the EOS, EOT and EOM ids from
/// metadata, plus every token whose text is one of llama.cpp's end-of-generation names (&lt;|endoftext|&gt;,
/// &lt;|eot_id|&gt;, &lt;|im_end|&gt;, &lt;|end|&gt;, &lt;end_of_turn&gt;, &lt;|eom_id|&gt;, &lt;EOT&gt;,
/// &lt;｜end▁of▁sentence｜&gt;). llama.cpp's FIM pad/repo/separator tokens are not included.
/// </summary>
public abstract class GgufTokenizer : ITokenizer
{
    private static readonly string[] EndOfGenerationTexts =
        ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "<｜end▁of▁sentence｜>"];

    private readonly HashSet<int> _endOfGeneration = [];
    private readonly AddedTokenSplitter _splitter;
    private AddedTokenSplitter? _specialSplitter;
    private PieceTable? _pieces;

    private protected GgufTokenizer(GgufVocabulary vocabulary)
    {
        Vocabulary = vocabulary;
        _splitter = new AddedTokenSplitter(vocabulary);
        foreach (int id in (ReadOnlySpan<int>)[vocabulary.EosId, vocabulary.EndOfTurnId, vocabulary.EndOfMessageId])
        {
            if (id >= 0)
            {
                _endOfGeneration.Add(id);
            }
        }

        foreach (string text in EndOfGenerationTexts)
        {
            int id = vocabulary.Find(text);
            if (id >= 0)
            {
                _endOfGeneration.Add(id);
            }
        }
    }

    /// <inheritdoc/>
    public abstract string Kind { get; }

    /// <inheritdoc/>
    public int VocabSize => Vocabulary.Count;

    /// <inheritdoc/>
    public int BosId => Vocabulary.BosId;

    /// <inheritdoc/>
    public int EosId => Vocabulary.EosId;

    /// <inheritdoc/>
    public virtual bool AddBosByDefault => Vocabulary.AddBos;

    /// <inheritdoc/>
    public virtual bool AddEosByDefault => Vocabulary.AddEos;

    /// <summary>Unknown-token id, or -1.</summary>
    public int UnknownId => Vocabulary.UnknownId;

    /// <summary>The GGUF type of a token.</summary>
    public GgufTokenType TokenType(int tokenId) => Vocabulary.Types[tokenId];

    /// <summary>The vocabulary text of a token as stored in the GGUF (e.g. "▁the", "Ġthe", "&lt;0x0A&gt;").</summary>
    public string TokenText(int tokenId) => Vocabulary.Texts[tokenId];

    private protected GgufVocabulary Vocabulary { get; }

    /// <summary>Whether Decode removes one leading space from the first non-BOS piece (SPM's dummy prefix).</summary>
    private protected virtual bool RemovesDummyPrefix => false;

    private PieceTable Pieces => _pieces ??= PieceTable.Build(Vocabulary.Count, AppendPieceFromVocabulary);

    /// <inheritdoc/>
    public void Encode(ReadOnlySpan<char> text, bool addSpecial, List<int> output) => Encode(text, addSpecial, _splitter, output);

    /// <inheritdoc/>
    public int[] EncodeParsingSpecial(string text, bool addSpecial) =>
        EncodeToArray(text, addSpecial, _specialSplitter ??= new AddedTokenSplitter(Vocabulary, parseSpecial: true));

    private int[] EncodeToArray(string text, bool addSpecial, AddedTokenSplitter splitter)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length / 3 + 4);
        Encode(text, addSpecial, splitter, output);
        return output.ToArray();
    }

    private void Encode(ReadOnlySpan<char> text, bool addSpecial, AddedTokenSplitter splitter, List<int> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var fragments = new List<TextFragment>();
        splitter.Split(text, fragments);
        if (addSpecial && AddBosByDefault && BosId >= 0)
        {
            output.Add(BosId);
        }

        EncodeFragments(text, fragments, output);
        if (addSpecial && AddEosByDefault)
        {
            int end = EndIdForAddSpecial;
            if (end >= 0)
            {
                output.Add(end);
            }
        }
    }

    /// <inheritdoc/>
    public int[] Encode(string text, bool addSpecial) => EncodeToArray(text, addSpecial, _splitter);

    /// <inheritdoc/>
    public ReadOnlySpan<byte> TokenBytes(int tokenId) => Pieces[tokenId];

    /// <inheritdoc/>
    public void AppendPiece(int tokenId, List<byte> utf8)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        foreach (byte b in Pieces[tokenId])
        {
            utf8.Add(b);
        }
    }

    /// <summary>
    /// Concatenates the pieces (control tokens add nothing). For SPM with a space prefix, one leading space of the first
    /// piece after an optional leading BOS is removed, so Decode(Encode(s, addSpecial)) == s for lossless text. Unlike
    /// llama_detokenize, no "clean up spaces" pass is applied.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>(ids.Length * 4);
        int first = ids.Length > 0 && ids[0] == BosId ? 1 : 0;
        for (int i = 0; i < ids.Length; i++)
        {
            ReadOnlySpan<byte> piece = Pieces[ids[i]];
            if (i == first && RemovesDummyPrefix && piece.Length > 0 && piece[0] == (byte)' ')
            {
                piece = piece[1..];
            }

            foreach (byte b in piece)
            {
                bytes.Add(b);
            }
        }

        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    /// <inheritdoc/>
    public bool IsEndOfGeneration(int tokenId) => _endOfGeneration.Contains(tokenId);

    /// <summary>The id appended by addSpecial when <see cref="AddEosByDefault"/> (EOS; WordPiece uses [SEP]).</summary>
    private protected virtual int EndIdForAddSpecial => EosId;

    /// <summary>Tokenizes the fragments: raw text runs through the model's algorithm, matched tokens are copied.</summary>
    private protected abstract void EncodeFragments(ReadOnlySpan<char> text, List<TextFragment> fragments, List<int> output);

    /// <summary>Appends the decoded bytes of one token, for the piece table.</summary>
    private protected abstract void AppendPieceFromVocabulary(int tokenId, List<byte> utf8);

    /// <summary>Appends a string as UTF-8.</summary>
    private protected static void AppendUtf8(ReadOnlySpan<char> text, List<byte> utf8)
    {
        Span<byte> buffer = stackalloc byte[256];
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[] bytes = max <= buffer.Length ? [] : new byte[max];
        Span<byte> target = max <= buffer.Length ? buffer : bytes;
        int n = Encoding.UTF8.GetBytes(text, target);
        foreach (byte b in target[..n])
        {
            utf8.Add(b);
        }
    }
}
