// Tokenizes a batch of texts for a BERT-family encoder (WordPiece over vocab.txt) and pads it into a BertInput.
using Microsoft.ML.Tokenizers;

namespace Strata.Engine.Embeddings;

/// <summary>
/// Builds <see cref="BertInput"/> batches with Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>: basic
/// tokenization, lowercasing, WordPiece, <c>[CLS] … [SEP]</c>; padding with [PAD] to the longest row, and, when a
/// maximum is given, truncation as Hugging Face does it (keep [CLS] and the first pieces, end with [SEP]).
/// </summary>
public sealed class BertInputBuilder
{
    private readonly BertTokenizer _tokenizer;

    private BertInputBuilder(BertTokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>The [CLS] id.</summary>
    public int ClassificationTokenId => _tokenizer.ClassificationTokenId;

    /// <summary>The [SEP] id.</summary>
    public int SeparatorTokenId => _tokenizer.SeparatorTokenId;

    /// <summary>The [PAD] id written after a row's last token.</summary>
    public int PaddingTokenId => _tokenizer.PaddingTokenId;

    /// <summary>Loads a WordPiece vocabulary (one piece per line, as BERT's vocab.txt), lowercasing the text.</summary>
    /// <exception cref="FileNotFoundException">The vocabulary file does not exist.</exception>
    public static BertInputBuilder FromVocabulary(string vocabularyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"WordPiece vocabulary '{vocabularyPath}' not found (expected BERT's vocab.txt).", vocabularyPath);
        }

        var options = new BertOptions { LowerCaseBeforeTokenization = true };
        return new BertInputBuilder(BertTokenizer.Create(vocabularyPath, options));
    }

    /// <summary>
    /// The WordPiece vocabulary of a `bert` GGUF, converted back from llama.cpp's form (a word-start token carries the phantom
    /// space "▁", a continuation does not, control tokens such as [CLS] are kept as they are) to BERT's vocab.txt pieces.
    /// </summary>
    /// <exception cref="InvalidDataException">the file has no bert tokenizer</exception>
    public static BertInputBuilder FromGguf(Artifacts.GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.GetString("tokenizer.ggml.model") != "bert" || !file.TryGetValue("tokenizer.ggml.tokens", out var tokensValue)
            || !tokensValue.TryGetArray<string>(out var tokens))
        {
            throw new InvalidDataException($"{file.Path}: tokenizer.ggml.model is not 'bert' with tokenizer.ggml.tokens (a WordPiece vocabulary)");
        }

        int[] types = file.TryGetValue("tokenizer.ggml.token_type", out var typesValue) && typesValue.TryGetArray<int>(out var t) ? t : [];
        var vocabulary = new System.Text.StringBuilder();
        for (int i = 0; i < tokens.Length; i++)
        {
            string token = tokens[i];
            bool control = i < types.Length && types[i] == 3;
            vocabulary.Append(control ? token : token.StartsWith('\u2581') ? token[1..] : "##" + token).Append('\n');
        }

        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(vocabulary.ToString()));
        return new BertInputBuilder(BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = true }));
    }

    /// <summary>The ids of one text, [CLS] and [SEP] included, with no limit.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tokenizer.EncodeToIds(text, addSpecialTokens: true);
    }

    /// <summary>Tokenizes <paramref name="texts"/> and pads every row to the longest one.</summary>
    /// <param name="texts">At least one text.</param>
    /// <param name="maxTokens">
    /// When given, rows longer than this many tokens ([CLS] and [SEP] included, at least 2) are truncated, and
    /// <see cref="BertInput.TruncatedRows"/> names them; when null, nothing is cut.
    /// </param>
    /// <exception cref="ArgumentException">No texts, a null text, or a maximum under 2.</exception>
    public BertInput Build(IReadOnlyList<string> texts, int? maxTokens = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one text; got none.", nameof(texts));
        }

        if (maxTokens is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "The maximum token count must leave room for [CLS] and [SEP] (at least 2).");
        }

        var rows = new IReadOnlyList<int>[texts.Count];
        for (int row = 0; row < texts.Count; row++)
        {
            rows[row] = Encode(texts[row] ?? throw new ArgumentException($"Text {row} of the batch is null.", nameof(texts)));
        }

        return Pack(rows, maxTokens);
    }

    /// <summary>Pads (and, with a maximum, truncates) rows already tokenized by <see cref="Encode"/> into one batch.</summary>
    /// <param name="tokenIds">(batch)(tokens): at least one row, each with [CLS] and [SEP].</param>
    /// <param name="maxTokens">As in <see cref="Build"/>.</param>
    /// <exception cref="ArgumentException">No rows, a null row, or a maximum under 2.</exception>
    public BertInput Pack(IReadOnlyList<IReadOnlyList<int>> tokenIds, int? maxTokens = null)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        if (tokenIds.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one text; got none.", nameof(tokenIds));
        }

        if (maxTokens is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "The maximum token count must leave room for [CLS] and [SEP] (at least 2).");
        }

        var rows = new IReadOnlyList<int>[tokenIds.Count];
        var truncated = new List<int>();
        int longest = 0;
        for (int row = 0; row < rows.Length; row++)
        {
            rows[row] = tokenIds[row] ?? throw new ArgumentException($"Row {row} of the batch is null.", nameof(tokenIds));
            if (maxTokens is int max && rows[row].Count > max)
            {
                truncated.Add(row);
            }

            longest = Math.Max(longest, maxTokens is int cap ? Math.Min(rows[row].Count, cap) : rows[row].Count);
        }

        return Pad(rows, longest, truncated.ToArray());
    }

    private BertInput Pad(IReadOnlyList<int>[] rows, int sequenceLength, int[] truncatedRows)
    {
        int batch = rows.Length;
        var inputIds = new long[batch * sequenceLength];      // (batch, sequence)
        var attentionMask = new long[batch * sequenceLength]; // (batch, sequence)
        var tokenTypeIds = new long[batch * sequenceLength];  // (batch, sequence), all 0
        var tokenCounts = new int[batch];                     // (batch)
        inputIds.AsSpan().Fill(PaddingTokenId);
        for (int row = 0; row < batch; row++)
        {
            IReadOnlyList<int> ids = rows[row];
            int count = Math.Min(ids.Count, sequenceLength);
            Span<long> idRow = inputIds.AsSpan(row * sequenceLength, sequenceLength);
            for (int t = 0; t < count; t++)
            {
                idRow[t] = ids[t];
            }

            if (count < ids.Count)
            {
                idRow[count - 1] = SeparatorTokenId; // truncated: the row still ends with [SEP]
            }

            attentionMask.AsSpan(row * sequenceLength, count).Fill(1);
            tokenCounts[row] = count;
        }

        return new BertInput(inputIds, attentionMask, tokenTypeIds, batch, sequenceLength, tokenCounts, truncatedRows);
    }
}
