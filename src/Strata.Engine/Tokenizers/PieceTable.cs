// Pre-decoded UTF-8 bytes of every token, stored contiguously so that a token's bytes are a slice (no allocation).
namespace Strata.Engine.Tokenizers;

/// <summary>Immutable table of per-token UTF-8 byte strings.</summary>
internal sealed class PieceTable
{
    private readonly byte[] _bytes;
    private readonly int[] _offsets;

    private PieceTable(byte[] bytes, int[] offsets)
    {
        _bytes = bytes;
        _offsets = offsets;
    }

    /// <summary>Number of tokens.</summary>
    public int Count => _offsets.Length - 1;

    /// <summary>The bytes of token <paramref name="tokenId"/>.</summary>
    public ReadOnlySpan<byte> this[int tokenId]
    {
        get
        {
            if ((uint)tokenId >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(tokenId), tokenId, $"token id must be in [0, {Count}), found {tokenId}");
            }

            return _bytes.AsSpan(_offsets[tokenId], _offsets[tokenId + 1] - _offsets[tokenId]);
        }
    }

    /// <summary>Builds a table by calling <paramref name="appendPiece"/> once per token id.</summary>
    public static PieceTable Build(int count, Action<int, List<byte>> appendPiece)
    {
        var bytes = new List<byte>(count * 6);
        var offsets = new int[count + 1];
        for (int id = 0; id < count; id++)
        {
            offsets[id] = bytes.Count;
            appendPiece(id, bytes);
        }

        offsets[count] = bytes.Count;
        return new PieceTable(bytes.ToArray(), offsets);
    }
}
