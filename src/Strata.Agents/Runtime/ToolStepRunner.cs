// Moves one tool step forward: decide, ask for approval, run with its idempotency key, or recover it after a crash.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Agents;

/// <summary>
/// Runs tool steps (and compensation steps, which are tool calls). A step is written <c>started</c> before the tool
/// is called and <c>completed</c> after, so after a crash a step still <c>started</c> is in doubt: an idempotent
/// tool is called again with the same key; any other is put to a person, never repeated blindly.
/// </summary>
internal sealed class ToolStepRunner
{
    private readonly RunScope _scope;

    public ToolStepRunner(RunScope scope)
    {
        _scope = scope;
    }

    /// <summary>Advances the step; false when it now waits for a person.</summary>
    public async Task<bool> AdvanceAsync(StepRecord step, CancellationToken cancellationToken)
    {
        var tool = _scope.Options.Tools.Find(step.Name);
        var arguments = JsonDocument.Parse(_scope.BlobText(step.ArgumentsHash)).RootElement;
        if (tool is null && step.Status is StepStatus.Started or StepStatus.AwaitingApproval)
        {
            Deny(step, new PolicyDecision(PolicyVerdict.Deny, "contract:unknown-tool", $"'{step.Name}' is no longer registered"),
                $"'{step.Name}' is no longer registered; the call was not repeated and its outcome is unknown");
            return true;
        }

        return step.Status switch
        {
            StepStatus.Planned => await PlannedAsync(step, tool, arguments, cancellationToken).ConfigureAwait(false),
            StepStatus.AwaitingApproval => await AwaitingAsync(step, tool, arguments, cancellationToken).ConfigureAwait(false),
            StepStatus.Started => await InDoubtAsync(step, tool!, arguments, cancellationToken).ConfigureAwait(false),
            _ => true,
        };
    }

    private PolicyDecision Decide(StepRecord step, AgentTool? tool, JsonElement arguments)
    {
        if (step.Kind == StepKind.Compensation)
        {
            return tool is null
                ? new PolicyDecision(PolicyVerdict.Deny, "contract:unknown-tool", $"compensating tool '{step.Name}' is not registered")
                : new PolicyDecision(PolicyVerdict.Allow, "compensation:declared",
                    $"'{step.Name}' undoes step {step.CallId}, as that step's tool declares");
        }

        return ToolAuthority.Decide(_scope.Contract, _scope.Options.Policy, step.Name, tool, arguments);
    }

    private async Task<bool> PlannedAsync(StepRecord step, AgentTool? tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        var decision = Decide(step, tool, arguments);
        switch (decision.Verdict)
        {
            case PolicyVerdict.Allow:
                return await ExecuteAsync(step, tool!, arguments, decision, cancellationToken).ConfigureAwait(false);
            case PolicyVerdict.RequireApproval:
                RequestApproval(step, tool!, ApprovalKind.Policy, decision);
                return false;
            default:
                Deny(step, decision, $"denied by {decision.Rule}: {decision.Reason}");
                return true;
        }
    }

    private async Task<bool> AwaitingAsync(StepRecord step, AgentTool? tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        var approval = FindApproval(step, tool);
        if (approval is null)
        {
            // The tool changed since the approval was asked for (an MCP tool's description or schema): a new tool,
            // so the old approval does not apply; decide afresh.
            return await PlannedAsync(step with { Status = StepStatus.Planned }, tool, arguments, cancellationToken).ConfigureAwait(false);
        }

        if (approval.Status == ApprovalStatus.Pending)
        {
            return false;
        }

        if (approval.Status == ApprovalStatus.Denied)
        {
            var outcome = approval.Kind == ApprovalKind.InDoubt
                ? $"the earlier attempt's outcome is unknown and {approval.ResolvedBy} chose not to repeat it: {approval.ResolutionReason}"
                : $"denied by {approval.ResolvedBy}: {approval.ResolutionReason}";
            Deny(step, new PolicyDecision(PolicyVerdict.Deny, "approval:" + approval.ApprovalId, outcome), outcome);
            return true;
        }

        // Approved: it authorizes this exact call only, and the policy still has the last word.
        var binding = Mismatch(approval, step, tool!);
        var decision = binding is null
            ? Decide(step, tool, arguments)
            : new PolicyDecision(PolicyVerdict.Deny, "approval:binding", binding);
        if (decision.Verdict == PolicyVerdict.Deny)
        {
            Deny(step, decision, $"denied by {decision.Rule}: {decision.Reason}");
            return true;
        }

        decision = new PolicyDecision(PolicyVerdict.Allow, "approval:" + approval.ApprovalId,
            $"approved by {approval.ResolvedBy}: {approval.ResolutionReason}");
        return await ExecuteAsync(step, tool!, arguments, decision, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> InDoubtAsync(StepRecord step, AgentTool tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        if (tool.Declaration.Idempotent)
        {
            var decision = new PolicyDecision(PolicyVerdict.Allow, "recovery:idempotent-retry",
                $"attempt {step.Attempts} did not report back; '{step.Name}' is idempotent, so it is called again with key {step.IdempotencyKey}");
            _scope.Commit([], [LedgerPayload.Record("tool.in_doubt", Payload(step, decision))]);
            return await ExecuteAsync(step, tool, arguments, decision, cancellationToken).ConfigureAwait(false);
        }

        RequestApproval(step, tool, ApprovalKind.InDoubt, new PolicyDecision(PolicyVerdict.RequireApproval, "recovery:in-doubt",
            $"attempt {step.Attempts} of '{step.Name}' started but never reported back and the tool is not idempotent: " +
            "approve to run it again with the same key, deny if it already took effect"));
        return false;
    }

    // False when the call waits on a person (a sub-task waiting for approval): the step stays started, to be called
    // again with the same key once the approval is resolved.
    private async Task<bool> ExecuteAsync(StepRecord step, AgentTool tool, JsonElement arguments, PolicyDecision decision, CancellationToken cancellationToken)
    {
        var started = step with { Status = StepStatus.Started, Attempts = step.Attempts + 1, UpdatedAt = _scope.Now, Detail = decision.Rule };
        var startedPayload = Payload(started, decision);
        startedPayload["arguments"] = _scope.Content(arguments.GetRawText());
        _scope.Commit([started], [LedgerPayload.Record(step.Kind == StepKind.Compensation ? "compensation.started" : "tool.started", startedPayload)]);

        ToolResult result;
        try
        {
            result = await tool.InvokeAsync(new ToolInvocation(_scope.TaskId, arguments, step.IdempotencyKey!), cancellationToken).ConfigureAwait(false);
        }
        catch (SubTaskWaitingException waiting)
        {
            _scope.Commit([], [LedgerPayload.Record("subtask.waiting", new JsonObject
            {
                ["step"] = step.Index,
                ["tool"] = step.Name,
                ["child_task_id"] = waiting.ChildTaskId,
            })], task: _scope.Task.Status == AgentTaskStatus.Compensating ? null : _scope.WithStatus(AgentTaskStatus.WaitingApproval, null));
            return false;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            result = new ToolResult($"{error.GetType().Name}: {error.Message}", IsError: true);
        }

        var (bytes, sha) = RunScope.Blob(AgentJson.Write(result));
        var finished = started with
        {
            Status = result.IsError ? StepStatus.Failed : StepStatus.Completed,
            ResultHash = sha,
            UpdatedAt = _scope.Now,
        };
        var payload = Payload(finished, null);
        payload["result"] = _scope.Content(result.Content);
        payload["is_error"] = result.IsError;
        var kind = step.Kind == StepKind.Compensation ? "compensation" : "tool";
        _scope.Commit([finished], [LedgerPayload.Record(kind + (result.IsError ? ".failed" : ".completed"), payload)], [bytes]);
        return true;
    }

    private void RequestApproval(StepRecord step, AgentTool tool, ApprovalKind kind, PolicyDecision decision)
    {
        var approval = new ApprovalRecord(
            TaskIds.ApprovalId(step.IdempotencyKey!, kind, tool.Identity), _scope.TaskId, _scope.Contract.Tenant, step.Index, kind,
            step.Name, tool.Identity, step.ArgumentsHash!, step.IdempotencyKey!, decision.Rule, decision.Reason,
            ApprovalStatus.Pending, _scope.Now);
        var waiting = step with { Status = StepStatus.AwaitingApproval, ToolIdentity = tool.Identity, UpdatedAt = _scope.Now, Detail = decision.Rule };
        var payload = Payload(waiting, decision);
        payload["approval_id"] = approval.ApprovalId;
        payload["approval_kind"] = kind.ToString();
        _scope.Commit([waiting], [LedgerPayload.Record("approval.requested", payload)], approvals: [approval],
            task: _scope.Task.Status == AgentTaskStatus.Compensating ? null : _scope.WithStatus(AgentTaskStatus.WaitingApproval, null));
    }

    private void Deny(StepRecord step, PolicyDecision decision, string message)
    {
        var (bytes, sha) = RunScope.Blob(AgentJson.Write(new ToolResult(message, IsError: true)));
        var denied = step with { Status = StepStatus.Denied, ResultHash = sha, UpdatedAt = _scope.Now, Detail = decision.Rule };
        _scope.Commit([denied], [LedgerPayload.Record(step.Kind == StepKind.Compensation ? "compensation.denied" : "tool.denied", Payload(denied, decision))], [bytes]);
    }

    private ApprovalRecord? FindApproval(StepRecord step, AgentTool? tool)
    {
        if (tool is null)
        {
            return null;
        }

        ApprovalRecord? found = null;
        foreach (var approval in _scope.Store.Approvals(_scope.TaskId))
        {
            if (approval.StepIndex == step.Index && approval.IdempotencyKey == step.IdempotencyKey && approval.ToolIdentity == tool.Identity)
            {
                found = approval;
            }
        }

        return found;
    }

    private static string? Mismatch(ApprovalRecord approval, StepRecord step, AgentTool tool) =>
        approval.ArgumentsHash != step.ArgumentsHash ? $"approval {approval.ApprovalId} was for arguments {approval.ArgumentsHash}, not {step.ArgumentsHash}"
        : approval.IdempotencyKey != step.IdempotencyKey ? $"approval {approval.ApprovalId} was for call {approval.IdempotencyKey}, not {step.IdempotencyKey}"
        : approval.ToolIdentity != tool.Identity ? $"approval {approval.ApprovalId} was for another version of '{tool.Name}'"
        : null;

    private static JsonObject Payload(StepRecord step, PolicyDecision? decision)
    {
        var payload = new JsonObject
        {
            ["step"] = step.Index,
            ["tool"] = step.Name,
            ["call_id"] = step.CallId,
            ["arguments_sha256"] = step.ArgumentsHash,
            ["idempotency_key"] = step.IdempotencyKey,
            ["tool_identity"] = step.ToolIdentity,
            ["attempt"] = step.Attempts,
        };
        if (decision is not null)
        {
            payload["decision"] = LedgerPayload.Decision(decision);
        }

        return payload;
    }
}
