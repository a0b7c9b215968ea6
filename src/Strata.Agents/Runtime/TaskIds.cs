// Ids of tasks and approvals, and the idempotency keys of calls: random where new, derived where they must be stable.
using System.Security.Cryptography;
using System.Text;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>Makes ids. Task ids are random; approval ids and idempotency keys are derived so a restart finds them again.</summary>
public static class TaskIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>A new task id: <c>task_</c> and 26 random base-32 characters.</summary>
    public static string NewTaskId()
    {
        Span<byte> bytes = stackalloc byte[26];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[26];
        for (var index = 0; index < chars.Length; index++)
        {
            chars[index] = Alphabet[bytes[index] & 31];
        }

        return "task_" + new string(chars);
    }

    /// <summary>The idempotency key of a task's step: the same on every attempt, across restarts.</summary>
    public static string IdempotencyKey(string taskId, int stepIndex) => $"{taskId}/step-{stepIndex}";

    /// <summary>
    /// The id of the one approval a call can raise for a reason and a tool identity: asking again (after a restart,
    /// or because the model repeats itself within the same call) finds the same approval instead of raising another.
    /// </summary>
    public static string ApprovalId(string idempotencyKey, ApprovalKind kind, string toolIdentity)
    {
        var hash = EvidenceHash.Sha256Hex(Encoding.UTF8.GetBytes($"{idempotencyKey}\n{kind}\n{toolIdentity}"));
        return "apr_" + hash[..26];
    }
}
