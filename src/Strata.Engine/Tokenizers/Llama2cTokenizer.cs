// llama2.c tokenizer.bin reader and tokenizer with run.c's encode/decode semantics.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Strata.Engine.Artifacts;

namespace Strata.Engine.Tokenizers;

/// <summary>
/// Karpathy's llama2.c tokenizer. File: int32 max_token_length, then per token float32 score, int32 byte length, bytes.
/// Encode (run.c): optional BOS (1); a " " token when the text is non-empty; each UTF-8 code point is looked up, unknown
/// ones fall back to byte tokens (id = byte + 3); then the adjacent pair whose concatenation is a token with the highest
/// score (leftmost on ties) is merged until none is left. Decode: pieces, "&lt;0xXX&gt;" pieces become the byte, a
/// piece that follows BOS loses a leading space, and BOS/EOS themselves decode to nothing.
/// </summary>
public sealed class Llama2cTokenizer : ITokenizer
{
    private const int ByteTokenOffset = 3;
    private const float NoMergeScore = -1e10f;

    private readonly string[] _pieces;
    private readonly float[] _scores;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly byte[][] _bytes;

    private Llama2cTokenizer(string[] pieces, float[] scores, byte[][] bytes, int maxTokenLength)
    {
        _pieces = pieces;
        _scores = scores;
        _bytes = bytes;
        MaxTokenLength = maxTokenLength;
        _ids = new Dictionary<string, int>(pieces.Length, StringComparer.Ordinal);
        for (int i = 0; i < pieces.Length; i++)
        {
            _ids.TryAdd(pieces[i], i);
        }

        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc/>
    public string Kind => "llama2c";

    /// <inheritdoc/>
    public int VocabSize => _pieces.Length;

    /// <inheritdoc/>
    public int BosId => 1;

    /// <inheritdoc/>
    public int EosId => 2;

    /// <inheritdoc/>
    public bool AddBosByDefault => true;

    /// <inheritdoc/>
    public bool AddEosByDefault => false;

    /// <summary>max_token_length from the file header.</summary>
    public int MaxTokenLength { get; }

    /// <summary>Reads tokenizer.bin with <paramref name="vocabSize"/> entries (from the model header), validating every field.</summary>
    /// <exception cref="ModelFormatException">Truncated file, trailing bytes, negative or oversized lengths, or a bad vocab size.</exception>
    public static Llama2cTokenizer Load(string path, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(path);
        string name = System.IO.Path.GetFileName(path);
        if (vocabSize < 3)
        {
            throw new ModelFormatException($"{name}: vocab size must be at least 3 (unk, BOS, EOS), found {vocabSize}");
        }

        byte[] data = File.ReadAllBytes(path);
        int offset = 0;
        int maxTokenLength = ReadInt32(data, ref offset, name, "max_token_length");
        if (maxTokenLength <= 0)
        {
            throw new ModelFormatException($"{name}: max_token_length must be positive, found {maxTokenLength}");
        }

        var pieces = new string[vocabSize];
        var scores = new float[vocabSize];
        var bytes = new byte[vocabSize][];
        var strict = new UTF8Encoding(false, true);
        for (int i = 0; i < vocabSize; i++)
        {
            scores[i] = BitConverter.Int32BitsToSingle(ReadInt32(data, ref offset, name, $"score of token {i}"));
            int length = ReadInt32(data, ref offset, name, $"length of token {i}");
            if (length < 0 || length > maxTokenLength)
            {
                throw new ModelFormatException($"{name}: token {i} length must be in [0, {maxTokenLength}], found {length}");
            }

            if (data.Length - offset < length)
            {
                throw new ModelFormatException($"{name}: truncated in token {i}: expected {length} bytes at offset {offset}, found {data.Length - offset}");
            }

            bytes[i] = data.AsSpan(offset, length).ToArray();
            try
            {
                pieces[i] = strict.GetString(bytes[i]);
            }
            catch (DecoderFallbackException e)
            {
                throw new ModelFormatException($"{name}: token {i} must be valid UTF-8, found bytes {Convert.ToHexString(bytes[i])}", e);
            }

            offset += length;
        }

        if (offset != data.Length)
        {
            throw new ModelFormatException($"{name}: expected {offset} bytes for {vocabSize} tokens, found {data.Length} (trailing data or wrong vocab size)");
        }

        return new Llama2cTokenizer(pieces, scores, bytes, maxTokenLength);
    }

    /// <inheritdoc/>
    public void Encode(ReadOnlySpan<char> text, bool addSpecial, List<int> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (addSpecial)
        {
            output.Add(BosId);
        }

        if (text.IsEmpty)
        {
            return;
        }

        // Merging may join BOS with the text (run.c merges over the whole buffer), so BOS takes part in the list.
        var symbols = new List<int>(text.Length + 2);
        if (addSpecial)
        {
            symbols.Add(BosId);
        }

        if (_lookup.TryGetValue(" ", out int space))
        {
            symbols.Add(space);
        }

        AppendCodepointTokens(text, symbols);
        MergeByScore(symbols);
        output.AddRange(addSpecial ? CollectionsMarshal.AsSpan(symbols)[1..] : CollectionsMarshal.AsSpan(symbols));
    }

    /// <inheritdoc/>
    public int[] Encode(string text, bool addSpecial)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length + 2);
        Encode(text.AsSpan(), addSpecial, output);
        return output.ToArray();
    }

    /// <inheritdoc/>
    public ReadOnlySpan<byte> TokenBytes(int tokenId)
    {
        if ((uint)tokenId >= (uint)_pieces.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(tokenId), tokenId, $"token id must be in [0, {_pieces.Length}), found {tokenId}");
        }

        if (tokenId == BosId || tokenId == EosId)
        {
            return [];
        }

        byte[] piece = _bytes[tokenId];
        return TryParseByteToken(piece, out int value) ? SingleBytes.AsSpan(value, 1) : piece;
    }

    /// <inheritdoc/>
    public void AppendPiece(int tokenId, List<byte> utf8)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        foreach (byte b in TokenBytes(tokenId))
        {
            utf8.Add(b);
        }
    }

    /// <inheritdoc/>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>(ids.Length * 4);
        for (int i = 0; i < ids.Length; i++)
        {
            ReadOnlySpan<byte> piece = TokenBytes(ids[i]);
            if (i > 0 && ids[i - 1] == BosId && piece.Length > 0 && piece[0] == (byte)' ')
            {
                piece = piece[1..];
            }

            foreach (byte b in piece)
            {
                bytes.Add(b);
            }
        }

        return Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes));
    }

    /// <inheritdoc/>
    public bool IsEndOfGeneration(int tokenId) => tokenId == EosId;

    private static readonly byte[] SingleBytes = BuildSingleBytes();

    private static byte[] BuildSingleBytes()
    {
        var all = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            all[i] = (byte)i;
        }

        return all;
    }

    // run.c uses sscanf(piece, "<0x%02hhX>"); we accept exactly "<0xHH>".
    private static bool TryParseByteToken(ReadOnlySpan<byte> piece, out int value)
    {
        value = 0;
        if (piece.Length != 6 || piece[0] != '<' || piece[1] != '0' || piece[2] != 'x' || piece[5] != '>')
        {
            return false;
        }

        int high = HexValue(piece[3]);
        int low = HexValue(piece[4]);
        value = (high << 4) | low;
        return high >= 0 && low >= 0;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };

    private static int ReadInt32(byte[] data, ref int offset, string name, string field)
    {
        if (data.Length - offset < 4)
        {
            throw new ModelFormatException($"{name}: truncated reading {field}: expected 4 bytes at offset {offset}, found {data.Length - offset}");
        }

        int value = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset, 4));
        offset += 4;
        return value;
    }

    private void AppendCodepointTokens(ReadOnlySpan<char> text, List<int> symbols)
    {
        Span<byte> utf8 = stackalloc byte[4];
        int i = 0;
        while (i < text.Length)
        {
            int length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            ReadOnlySpan<char> codepoint = text.Slice(i, length);
            i += length;
            if (_lookup.TryGetValue(codepoint, out int id))
            {
                symbols.Add(id);
                continue;
            }

            int n = Encoding.UTF8.GetBytes(codepoint, utf8);
            for (int k = 0; k < n; k++)
            {
                int byteId = utf8[k] + ByteTokenOffset;
                symbols.Add(byteId < _pieces.Length ? byteId : 0);
            }
        }
    }

    private void MergeByScore(List<int> symbols)
    {
        int n = symbols.Count;
        int[] next = new int[n];
        int[] previous = new int[n];
        int[] ids = CollectionsMarshal.AsSpan(symbols).ToArray();
        for (int i = 0; i < n; i++)
        {
            next[i] = i + 1 < n ? i + 1 : -1;
            previous[i] = i - 1;
        }

        // Priority: highest score, then leftmost; a stale entry (either side changed) is skipped.
        var queue = new PriorityQueue<(int Left, int Right, int LeftId, int RightId, int Merged), (float Score, int Left)>(
            Comparer<(float Score, int Left)>.Create((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left)));
        var concat = new StringBuilder();

        void TryAdd(int left, int right)
        {
            if (left < 0 || right < 0)
            {
                return;
            }

            concat.Clear().Append(_pieces[ids[left]]).Append(_pieces[ids[right]]);
            string joined = concat.ToString();
            if (_ids.TryGetValue(joined, out int merged) && _scores[merged] > NoMergeScore)
            {
                queue.Enqueue((left, right, ids[left], ids[right], merged), (_scores[merged], left));
            }
        }

        for (int i = 0; i + 1 < n; i++)
        {
            TryAdd(i, i + 1);
        }

        bool[] removed = new bool[n];
        while (queue.TryDequeue(out var pair, out _))
        {
            if (removed[pair.Left] || removed[pair.Right] || next[pair.Left] != pair.Right || ids[pair.Left] != pair.LeftId || ids[pair.Right] != pair.RightId)
            {
                continue;
            }

            ids[pair.Left] = pair.Merged;
            removed[pair.Right] = true;
            next[pair.Left] = next[pair.Right];
            if (next[pair.Right] >= 0)
            {
                previous[next[pair.Right]] = pair.Left;
            }

            TryAdd(previous[pair.Left], pair.Left);
            TryAdd(pair.Left, next[pair.Left]);
        }

        symbols.Clear();
        for (int i = n == 0 ? -1 : 0; i != -1; i = next[i])
        {
            symbols.Add(ids[i]);
        }
    }
}
