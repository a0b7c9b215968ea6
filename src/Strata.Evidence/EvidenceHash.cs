// Content hashes for evidence: SHA-256 as lowercase hex, of bytes or of a file streamed from disk.
using System.Security.Cryptography;

namespace Strata.Evidence;

/// <summary>SHA-256 content hashes as 64 lowercase hex characters.</summary>
public static class EvidenceHash
{
    private const int FileBufferBytes = 1 << 20;

    /// <summary>SHA-256 of <paramref name="data"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>SHA-256 of a file, read sequentially in 1 MiB chunks (never loaded whole).</summary>
    /// <exception cref="FileNotFoundException">the file does not exist</exception>
    public static string Sha256HexOfFile(string path)
    {
        using var stream = OpenSequential(path);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(stream, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>SHA-256 of a file, read asynchronously in 1 MiB chunks.</summary>
    /// <exception cref="FileNotFoundException">the file does not exist</exception>
    public static async Task<string> Sha256HexOfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var stream = OpenSequential(path);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return Convert.ToHexStringLower(hash);
        }
    }

    private static FileStream OpenSequential(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferBytes, FileOptions.SequentialScan);
}
