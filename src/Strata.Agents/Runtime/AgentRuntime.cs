// The agent runtime's front: submit a task under its contract, run or resume it, resolve approvals, cancel.
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Agents;

/// <summary>
/// Runs governed, durable tasks. A task is submitted (its contract validated, its context assembled and recorded
/// by hash, the contract stored without hash-only text), then run step by step from its checkpoints; any process
/// with the same store, policy, routes and tools can resume it after a crash.
/// </summary>
public sealed class AgentRuntime
{
    private readonly AgentRuntimeOptions _options;

    // Contracts submitted in this process, with their hash-only inline text, which the store never holds.
    private readonly ConcurrentDictionary<string, TaskContract> _submitted = new(StringComparer.Ordinal);

    /// <summary>Creates a runtime.</summary>
    public AgentRuntime(AgentRuntimeOptions options)
    {
        _options = options;
    }

    /// <summary>The runtime's parts.</summary>
    public AgentRuntimeOptions Options => _options;

    /// <summary>Validates and stores a task; returns its id.</summary>
    /// <param name="contract">The contract.</param>
    /// <param name="profileJson">How to run it again (recorded with the task, for a resume in another process).</param>
    /// <param name="parentTaskId">The task that handed it this goal, for a sub-task.</param>
    /// <exception cref="ContractException">the contract is invalid or its context cannot be read</exception>
    public string Submit(TaskContract contract, string profileJson = "{}", string? parentTaskId = null) =>
        Submit(contract, profileJson, parentTaskId, TaskIds.NewTaskId());

    /// <summary>Adds a sub-agent: a tool that runs a sub-task under a narrowed copy of the calling task's contract.</summary>
    public void AddSubAgent(SubAgentSpec spec) => _options.Tools.Add(SubAgents.Tool(this, spec));

    /// <summary>The contract a task runs under (with hash-only text when it was submitted in this process).</summary>
    /// <exception cref="KeyNotFoundException">no task has that id</exception>
    public TaskContract ContractOf(string taskId)
    {
        if (_submitted.TryGetValue(taskId, out var original))
        {
            return original;
        }

        var task = _options.Store.FindTask(taskId) ?? throw new KeyNotFoundException($"no task '{taskId}' in the store");
        return JsonSerializer.Deserialize<TaskContract>(task.ContractJson, AgentJson.Options)!;
    }

    internal string Submit(TaskContract contract, string profileJson, string? parentTaskId, string taskId)
    {
        var now = _options.Time.GetUtcNow();
        ContractValidator.Validate(contract, now);
        var context = ContextAssembler.Assemble(contract, key => _options.Store.Memories(contract.Tenant, key, now));
        var stored = ContextAssembler.WithHashes(contract, context, forStorage: true);
        var task = new StoredTask(taskId, contract.Tenant, AgentJson.Write(stored), profileJson, AgentTaskStatus.Running,
            null, null, now, now, parentTaskId);
        var items = new JsonArray();
        foreach (var decision in context.Decisions)
        {
            items.Add(new JsonObject
            {
                ["id"] = decision.Id,
                ["classification"] = decision.Classification.ToString(),
                ["sha256"] = decision.Sha256,
                ["included"] = decision.Included,
                ["reason"] = decision.Reason,
            });
        }

        _options.Store.Commit(new Checkpoint(taskId, now)
        {
            Task = task,
            Evidence =
            [
                LedgerPayload.Record("task.submitted", new JsonObject
                {
                    ["contract"] = JsonNode.Parse(task.ContractJson),
                    ["parent_task_id"] = parentTaskId,
                    ["policy"] = new JsonObject { ["origin"] = _options.Policy.Origin, ["sha256"] = _options.Policy.Sha256, ["problem"] = _options.Policy.Problem },
                }),
                LedgerPayload.Record("context.assembled", new JsonObject { ["items"] = items }),
            ],
        });
        _submitted[taskId] = ContextAssembler.WithHashes(contract, context, forStorage: false);
        return taskId;
    }

    /// <summary>Runs a task from its last checkpoint until it completes, fails, or waits for approval.</summary>
    /// <exception cref="KeyNotFoundException">no task has that id</exception>
    public Task<TaskRunResult> RunAsync(string taskId, CancellationToken cancellationToken = default)
    {
        var task = _options.Store.FindTask(taskId) ?? throw new KeyNotFoundException($"no task '{taskId}' in the store");
        return RunToStopAsync(task, cancellationToken);
    }

    private async Task<TaskRunResult> RunToStopAsync(StoredTask task, CancellationToken cancellationToken)
    {
        var result = await new TaskRun(new RunScope(_options, task, ContractOf(task.TaskId))).RunAsync(cancellationToken).ConfigureAwait(false);
        if (result.Status is AgentTaskStatus.Completed or AgentTaskStatus.Failed or AgentTaskStatus.Cancelled)
        {
            _submitted.TryRemove(task.TaskId, out _); // finished: its in-memory contract is no longer needed
        }

        return result;
    }

    /// <summary>Runs every task that is not finished (running, compensating, or waiting on an approval), oldest first.</summary>
    public async Task<IReadOnlyList<TaskRunResult>> ResumeAllAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<TaskRunResult>();
        foreach (var task in _options.Store.Tasks())
        {
            if (!task.IsTerminal)
            {
                results.Add(await RunAsync(task.TaskId, cancellationToken).ConfigureAwait(false));
            }
        }

        return results;
    }

    /// <summary>Approves or denies a pending approval, recording who and why; a later run acts on it.</summary>
    public ApprovalResolution Resolve(string approvalId, bool approve, string resolvedBy, string reason) =>
        _options.Store.ResolveApproval(approvalId, approve ? ApprovalStatus.Approved : ApprovalStatus.Denied, resolvedBy, reason,
            _options.Time.GetUtcNow());

    /// <summary>Cancels a task: nothing new starts, its pending approvals are denied, and a later run compensates its completed steps.</summary>
    /// <returns>False when the task had already finished.</returns>
    public bool Cancel(string taskId, string by, string reason)
    {
        var task = _options.Store.FindTask(taskId) ?? throw new KeyNotFoundException($"no task '{taskId}' in the store");
        if (task.IsTerminal || task.Status == AgentTaskStatus.Compensating)
        {
            return false;
        }

        var now = _options.Time.GetUtcNow();
        _options.Store.Commit(new Checkpoint(taskId, now)
        {
            Task = task with { Status = AgentTaskStatus.Compensating, StopReason = $"cancelled by {by}: {reason}", UpdatedAt = now },
            Evidence = [LedgerPayload.Record("task.stopping", new JsonObject { ["reason"] = "cancelled", ["by"] = by, ["why"] = reason })],
        });

        // The calls its pending approvals gate will never run: they are denied in the canceller's name, so no one is left
        // asked to decide them (and an approval given later cannot appear to authorize anything).
        foreach (var approval in _options.Store.Approvals(taskId, ApprovalStatus.Pending))
        {
            _ = _options.Store.ResolveApproval(approval.ApprovalId, ApprovalStatus.Denied, by, $"task cancelled: {reason}", now);
        }

        return true;
    }
}
