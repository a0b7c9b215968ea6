// Chained, tenant-salted 64-bit hashes of a prompt's leading blocks: the keys of prefix-aware routing.
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Strata.Cluster.Routing;

/// <summary>
/// Hashes a prompt's text block by block, each hash chained to the one before and the first salted by the tenant, so block
/// i's hash names the tenant and the whole prefix up to block i (as the block hashes of vLLM's prefix cache do). The hash is
/// xxHash64's mixing over the UTF-16 code units read little-endian: the same on every node and process (unlike
/// <see cref="HashCode"/>), so a hash computed on one silo is understood by another.
/// </summary>
public static class PrefixKey
{
    // xxHash64's primes (Collet, xxHash specification, "XXH64").
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;

    // Seed of the tenant's hash, h[-1] (any fixed value; this one spells "strata:t").
    private const ulong TenantSeed = 0x7374726174613A74UL;

    /// <summary>
    /// Chained 64-bit hashes of the first <paramref name="maxBlocks"/> whole blocks of <paramref name="blockChars"/>
    /// characters of <paramref name="text"/>, salted by <paramref name="tenant"/>: h[i] = hash(h[i-1], block i) with
    /// h[-1] = hash(tenant). A trailing partial block is not hashed; text shorter than one block gives an empty array.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blockChars"/> &lt; 1 or <paramref name="maxBlocks"/> &lt; 0</exception>
    public static ulong[] Blocks(string tenant, ReadOnlySpan<char> text, int blockChars = 64, int maxBlocks = 64)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockChars, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBlocks);
        int count = Math.Min(maxBlocks, text.Length / blockChars);
        if (count == 0)
        {
            return [];
        }

        var hashes = new ulong[count];
        ulong previous = Hash(TenantSeed, tenant);
        for (int i = 0; i < count; i++)
        {
            previous = Hash(previous, text.Slice(i * blockChars, blockChars));
            hashes[i] = previous;
        }

        return hashes;
    }

    // xxHash64's short-input path (no four-lane stripe loop; blocks are short) seeded by `seed`: 8-byte words, then the
    // remaining 2-byte code units, then the avalanche.
    internal static ulong Hash(ulong seed, ReadOnlySpan<char> chars)
    {
        var bytes = MemoryMarshal.AsBytes(chars);
        ulong h = seed + Prime5 + (ulong)bytes.Length;
        int offset = 0;
        for (; offset + 8 <= bytes.Length; offset += 8)
        {
            ulong k = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(offset, 8));
            h ^= BitOperations.RotateLeft(k * Prime2, 31) * Prime1;
            h = (BitOperations.RotateLeft(h, 27) * Prime1) + Prime4;
        }

        for (; offset + 2 <= bytes.Length; offset += 2)
        {
            h ^= BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(offset, 2)) * Prime5;
            h = BitOperations.RotateLeft(h, 11) * Prime1;
        }

        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        h ^= h >> 32;
        return h;
    }
}
