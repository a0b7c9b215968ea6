// What every part of one task's run shares: the runtime's parts, the task, its contract, and checkpoint helpers.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>The state of one run of one task, shared by the loop and its step runners.</summary>
internal sealed class RunScope
{
    private readonly Dictionary<string, string> _blobs = new(StringComparer.Ordinal);

    public RunScope(AgentRuntimeOptions options, StoredTask task, TaskContract contract)
    {
        Options = options;
        Task = task;
        Contract = contract;
    }

    public AgentRuntimeOptions Options { get; }

    public ICheckpointStore Store => Options.Store;

    public StoredTask Task { get; set; }

    public TaskContract Contract { get; }

    public string TaskId => Task.TaskId;

    public DataClassification Classification => Contract.Classification;

    public DateTimeOffset Now => Options.Time.GetUtcNow();

    /// <summary>The task's steps as last read or written, by index.</summary>
    public List<StepRecord> Steps { get; } = [];

    public void Reload()
    {
        Steps.Clear();
        Steps.AddRange(Store.Steps(TaskId));
    }

    /// <summary>Writes step changes, blobs, approvals, memories and ledger records (and the task row when changed) at once.</summary>
    public void Commit(
        IReadOnlyList<StepRecord> steps,
        IReadOnlyList<LedgerAppend> evidence,
        IReadOnlyList<byte[]>? blobs = null,
        IReadOnlyList<ApprovalRecord>? approvals = null,
        StoredTask? task = null,
        IReadOnlyList<MemoryRecord>? memories = null)
    {
        Store.Commit(new Checkpoint(TaskId, Now)
        {
            Task = task,
            Steps = steps,
            Evidence = evidence,
            Blobs = blobs ?? [],
            Approvals = approvals ?? [],
            Memories = memories ?? [],
        });
        foreach (var step in steps)
        {
            if (step.Index < Steps.Count)
            {
                Steps[step.Index] = step;
            }
            else
            {
                Steps.Add(step);
            }
        }

        if (task is not null)
        {
            Task = task;
        }
    }

    public StoredTask WithStatus(AgentTaskStatus status, string? stopReason, string? answer = null) =>
        Task with { Status = status, StopReason = stopReason, Answer = answer ?? Task.Answer, UpdatedAt = Now };

    /// <summary>A blob's text.</summary>
    /// <exception cref="StoreException">the blob is missing (the store was damaged)</exception>
    public string BlobText(string? sha256)
    {
        // Blobs are content-addressed, so a cached text can never go stale.
        if (sha256 is not null && _blobs.TryGetValue(sha256, out var cached))
        {
            return cached;
        }

        var bytes = sha256 is null ? null : Store.FindBlob(sha256);
        if (bytes is null)
        {
            throw new StoreException($"task {TaskId}: payload {sha256 ?? "(none)"} is missing from the store");
        }

        var text = Encoding.UTF8.GetString(bytes);
        _blobs[sha256!] = text;
        return text;
    }

    public static (byte[] Bytes, string Sha256) Blob(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return (bytes, EvidenceHash.Sha256Hex(bytes));
    }

    public JsonObject Content(string text) => LedgerPayload.Content(text, Classification);

    public static JsonNode? Node(JsonElement element) => JsonNode.Parse(element.GetRawText());
}
