// The hash chain of a task's ledger: how a record's hash is computed, and how a whole chain is checked.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Evidence.Ledger;

/// <summary>
/// SHA-256 hash chain over <see cref="LedgerEntry"/> records. A record's hash covers its task id, sequence, kind,
/// time (UTC ticks and offset), payload and the previous record's hash, each length-prefixed so no two field splits collide.
/// </summary>
public static class LedgerChain
{
    /// <summary>The <see cref="LedgerEntry.PreviousHash"/> of a chain's first record: 64 zeros.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The hash of a record with these fields.</summary>
    public static string HashOf(string taskId, long sequence, string kind, DateTimeOffset at, string payloadJson, string previousHash)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendText(hash, taskId);
        AppendInt64(hash, sequence);
        AppendText(hash, kind);
        AppendInt64(hash, at.UtcTicks);
        AppendInt64(hash, (long)at.Offset.TotalMinutes);
        AppendText(hash, payloadJson);
        AppendText(hash, previousHash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Builds the next record of a chain whose last record is <paramref name="previous"/> (null: first).</summary>
    public static LedgerEntry Append(LedgerEntry? previous, string taskId, string kind, DateTimeOffset at, string payloadJson)
    {
        var sequence = previous is null ? 0 : previous.Sequence + 1;
        var previousHash = previous?.Hash ?? Genesis;
        return new LedgerEntry(taskId, sequence, kind, at, payloadJson, previousHash,
            HashOf(taskId, sequence, kind, at, payloadJson, previousHash));
    }

    /// <summary>
    /// Checks a task's records in sequence order: each must carry the expected sequence, link to the hash of the
    /// one before, and hash to its own <see cref="LedgerEntry.Hash"/>. Names the first that does not.
    /// </summary>
    public static LedgerVerification Verify(string taskId, IReadOnlyList<LedgerEntry> entries)
    {
        var previousHash = Genesis;
        for (var index = 0; index < entries.Count; index++)
        {
            var entry = entries[index];
            var problem = ProblemOf(taskId, index, previousHash, entry);
            if (problem is not null)
            {
                return new LedgerVerification(false, entries.Count, index, problem);
            }

            previousHash = entry.Hash;
        }

        return new LedgerVerification(true, entries.Count, null, null);
    }

    private static string? ProblemOf(string taskId, long expectedSequence, string previousHash, LedgerEntry entry)
    {
        if (entry.TaskId != taskId)
        {
            return $"record {expectedSequence} belongs to task '{entry.TaskId}', expected '{taskId}'";
        }

        if (entry.Sequence != expectedSequence)
        {
            return $"record {expectedSequence} carries sequence {entry.Sequence} (a record is missing or was inserted)";
        }

        if (entry.PreviousHash != previousHash)
        {
            return $"record {expectedSequence} links to {entry.PreviousHash}, but the record before hashes to {previousHash}";
        }

        var actual = HashOf(entry.TaskId, entry.Sequence, entry.Kind, entry.At, entry.PayloadJson, entry.PreviousHash);
        return actual == entry.Hash
            ? null
            : $"record {expectedSequence} ({entry.Kind}) hashes to {actual}, but stores {entry.Hash}: its content was altered";
    }

    private static void AppendText(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        AppendInt64(hash, bytes.Length);
        hash.AppendData(bytes);
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }
}
