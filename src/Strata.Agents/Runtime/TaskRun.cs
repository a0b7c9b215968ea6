// One run of one task: the loop that picks the next step, checks the budgets, and closes the task.
using System.Text.Json.Nodes;

namespace Strata.Agents;

/// <summary>
/// Drives a task from its last checkpoint until it completes, fails, or waits for a person. Every decision is
/// remade from the store, so a run after a crash continues exactly where the last checkpoint left it: open steps
/// first (in index order), then the next model call, then the answer's checks.
/// </summary>
internal sealed class TaskRun
{
    private readonly RunScope _scope;
    private readonly ToolStepRunner _tools;
    private readonly ModelStepRunner _models;
    private readonly StopRules _stops;
    private ModelRoute? _route;

    public TaskRun(RunScope scope)
    {
        _scope = scope;
        _tools = new ToolStepRunner(scope);
        _models = new ModelStepRunner(scope);
        _stops = new StopRules(scope);
    }

    public async Task<TaskRunResult> RunAsync(CancellationToken cancellationToken)
    {
        _scope.Reload();
        AssembledContext? context = null;
        while (!_scope.Task.IsTerminal)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AdoptCancel();
            var compensating = _scope.Task.Status == AgentTaskStatus.Compensating;
            if (compensating)
            {
                Compensator.Plan(_scope);
            }

            var open = FirstOpen();
            if (open is null && compensating)
            {
                Finish();
                break;
            }

            if (!compensating && _stops.Check(open is { Kind: StepKind.Tool } ? open : null) is { } reason
                && (open is { Kind: StepKind.Tool } || open is null && LastAnswer() is null))
            {
                Compensator.BeginStop(_scope, reason);
                continue;
            }

            var advanced = open?.Kind switch
            {
                StepKind.Tool or StepKind.Compensation => await _tools.AdvanceAsync(open, cancellationToken).ConfigureAwait(false),
                StepKind.Validation => OutcomeStep.Escalated(_scope, open),
                _ => await NextAsync(open, context ??= Context(), cancellationToken).ConfigureAwait(false),
            };
            if (!advanced)
            {
                return Result();
            }

            Resumed();
        }

        return Result();
    }

    // A model call (new, or again after a crash interrupted one), or the checks of the final answer.
    private async Task<bool> NextAsync(StepRecord? open, AssembledContext? context, CancellationToken cancellationToken)
    {
        if (context is null)
        {
            return true; // the stop has begun
        }

        if (open is null && LastAnswer() is { } answer)
        {
            return await OutcomeStep.CheckAsync(_scope, answer.Text, answer.Index, cancellationToken).ConfigureAwait(false);
        }

        if (Route() is not { } route)
        {
            return true;
        }

        if (!await _models.CallAsync(open?.Index ?? _scope.Steps.Count, context, route, cancellationToken).ConfigureAwait(false))
        {
            Compensator.BeginStop(_scope, "model_error");
        }

        return true;
    }

    private StepRecord? FirstOpen()
    {
        foreach (var step in _scope.Steps)
        {
            if (step.Status is StepStatus.Planned or StepStatus.Started or StepStatus.AwaitingApproval)
            {
                return step;
            }
        }

        return null;
    }

    private (string Text, int Index)? LastAnswer()
    {
        if (_scope.Steps.Count == 0 || _scope.Steps[^1] is not { Kind: StepKind.Model, Status: StepStatus.Completed } last)
        {
            return null;
        }

        var reply = Transcript.ReadReply(_scope, last);
        return reply.ToolCalls.Count == 0 ? (reply.Text, last.Index) : null;
    }

    private AssembledContext? Context()
    {
        try
        {
            // Memories as they were when the task was submitted, so a resumed task reads the same context.
            return ContextAssembler.Assemble(_scope.Contract,
                key => _scope.Store.Memories(_scope.Contract.Tenant, key, _scope.Task.SubmittedAt));
        }
        catch (ContractException error)
        {
            Compensator.BeginStop(_scope, "context_unavailable: " + error.Message);
            return null;
        }
    }

    private ModelRoute? Route()
    {
        if (_route is not null)
        {
            return _route;
        }

        var choice = _scope.Options.Router.Choose(_scope.Contract, _scope.Options.Policy);
        var decisions = new JsonArray();
        foreach (var (name, decision) in choice.Decisions)
        {
            var entry = LedgerPayload.Decision(decision);
            entry["route"] = name;
            decisions.Add(entry);
        }

        var kind = choice.Route is null ? "route.refused" : "route.chosen";
        _scope.Commit([], [LedgerPayload.Record(kind, new JsonObject
        {
            ["route"] = choice.Route?.Name,
            ["locality"] = choice.Route?.Locality.ToString(),
            ["classification"] = _scope.Classification.ToString(),
            ["policy_sha256"] = _scope.Options.Policy.Sha256,
            ["candidates"] = decisions,
        })]);
        if (choice.Route is null)
        {
            Compensator.BeginStop(_scope, "no_route");
        }

        _route = choice.Route;
        return _route;
    }

    // A cancel written by another process (the CLI, the server) while this run goes on: the run stops at this step
    // boundary and compensates, instead of writing over the cancel.
    private void AdoptCancel()
    {
        if (_scope.Task.Status != AgentTaskStatus.Compensating
            && _scope.Store.FindTask(_scope.TaskId) is { Status: AgentTaskStatus.Compensating or AgentTaskStatus.Cancelled } stored)
        {
            _scope.Task = stored;
        }
    }

    private void Resumed()
    {
        if (_scope.Task.Status == AgentTaskStatus.WaitingApproval)
        {
            _scope.Commit([], [LedgerPayload.Record("task.resumed", [])], task: _scope.WithStatus(AgentTaskStatus.Running, null));
        }
    }

    private void Finish()
    {
        var reason = _scope.Task.StopReason ?? "failed";
        var status = reason.StartsWith("cancelled", StringComparison.Ordinal) ? AgentTaskStatus.Cancelled : AgentTaskStatus.Failed;
        _scope.Commit([], [LedgerPayload.Record(status == AgentTaskStatus.Cancelled ? "task.cancelled" : "task.failed",
            new JsonObject { ["reason"] = reason })], task: _scope.WithStatus(status, reason));
    }

    private TaskRunResult Result()
    {
        var pending = new List<ApprovalRecord>();
        if (!_scope.Task.IsTerminal)
        {
            pending.AddRange(_scope.Store.Approvals(_scope.TaskId, ApprovalStatus.Pending));
            foreach (var task in _scope.Store.Tasks())
            {
                // A sub-task's approvals are its parent's too: one waits on the other.
                if (task.ParentTaskId == _scope.TaskId && !task.IsTerminal)
                {
                    pending.AddRange(_scope.Store.Approvals(task.TaskId, ApprovalStatus.Pending));
                }
            }
        }

        return new TaskRunResult(_scope.TaskId, _scope.Task.Status, _scope.Task.StopReason, _scope.Task.Answer, pending);
    }
}
