// A vocabulary of token pieces only (no encoding), read from a Hugging Face byte-level BPE tokenizer.json, for benchmarks.
using System.Text;
using System.Text.Json;
using Strata.Engine.Tokenizers;

namespace Strata.Bench;

/// <summary>
/// Token id → UTF-8 bytes of a byte-level BPE vocabulary (GPT-2's printable stand-ins mapped back to bytes: bytes
/// 0x21-0x7E, 0xA1-0xAC and 0xAE-0xFF stand for themselves, the other 68 for U+0100 onwards in order). Special added
/// tokens decode to nothing, as control tokens do. Enough for the grammar benchmark; encoding is not supported.
/// </summary>
internal sealed class PieceTokenizer : ITokenizer
{
    private readonly byte[][] _pieces;
    private readonly HashSet<int> _endOfGeneration;

    private PieceTokenizer(byte[][] pieces, HashSet<int> endOfGeneration)
    {
        _pieces = pieces;
        _endOfGeneration = endOfGeneration;
    }

    public string Kind => "pieces";

    public int VocabSize => _pieces.Length;

    public int BosId => -1;

    public int EosId { get; private init; } = -1;

    public bool AddBosByDefault => false;

    public bool AddEosByDefault => false;

    /// <summary>Reads tokenizer.json; <paramref name="endOfGeneration"/> names the added tokens that end generation.</summary>
    public static PieceTokenizer FromTokenizerJson(string path, params string[] endOfGeneration)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var byChar = ByteByChar();
        var pieces = new Dictionary<int, byte[]>();
        foreach (var entry in root.GetProperty("model").GetProperty("vocab").EnumerateObject())
        {
            var bytes = new List<byte>();
            foreach (char c in entry.Name)
            {
                bytes.Add(byChar[c]);
            }

            pieces[entry.Value.GetInt32()] = [.. bytes];
        }

        var eog = new HashSet<int>();
        int eos = -1;
        foreach (var added in root.GetProperty("added_tokens").EnumerateArray())
        {
            int id = added.GetProperty("id").GetInt32();
            string content = added.GetProperty("content").GetString()!;
            pieces[id] = added.GetProperty("special").GetBoolean() ? [] : Encoding.UTF8.GetBytes(content);
            if (endOfGeneration.Contains(content))
            {
                eog.Add(id);
                eos = eos < 0 ? id : eos;
            }
        }

        var table = new byte[pieces.Keys.Max() + 1][];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = pieces.GetValueOrDefault(i) ?? [];
        }

        return new PieceTokenizer(table, eog) { EosId = eos };
    }

    public ReadOnlySpan<byte> TokenBytes(int tokenId) => _pieces[tokenId];

    public bool IsEndOfGeneration(int tokenId) => _endOfGeneration.Contains(tokenId);

    public void AppendPiece(int tokenId, List<byte> utf8) => utf8.AddRange(_pieces[tokenId]);

    public string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            bytes.AddRange(_pieces[id]);
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    public void Encode(ReadOnlySpan<char> text, bool addSpecial, List<int> output) => throw new NotSupportedException("a piece table does not encode");

    public int[] Encode(string text, bool addSpecial) => throw new NotSupportedException("a piece table does not encode");

    // GPT-2's byte ↔ character map, inverted.
    private static Dictionary<char, byte> ByteByChar()
    {
        var map = new Dictionary<char, byte>();
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is (>= 0x21 and <= 0x7E) or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            map[printable ? (char)b : (char)(256 + next++)] = (byte)b;
        }

        return map;
    }
}
