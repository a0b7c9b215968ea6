// The close of a task: its answer checked against the contract, then completed, retried, escalated or failed.
using System.Text.Json.Nodes;

namespace Strata.Agents;

/// <summary>
/// Checks a final answer (a model reply without tool calls) and acts on the verdict as the contract says. The
/// check is a step of its own: a failed check that retries leaves its feedback in the transcript; one that
/// escalates raises an approval bound to the hash of the answer.
/// </summary>
internal static class OutcomeStep
{
    private const string OutcomeTool = "outcome";

    /// <summary>Checks the answer of model step <paramref name="modelIndex"/>; false when it now waits for a person.</summary>
    public static async Task<bool> CheckAsync(RunScope scope, string answer, int modelIndex, CancellationToken cancellationToken)
    {
        var outcome = scope.Contract.Outcome ?? new OutcomeContract();
        var verdicts = await OutcomeValidator.CheckAsync(outcome, answer, scope.TaskId, scope.Options.Checks,
            (rubric, text) => Grader.GradeAsync(scope, rubric, text, cancellationToken)).ConfigureAwait(false);
        var failed = verdicts.Count > 0 && !verdicts[^1].Passed ? verdicts[^1] : null;
        var (answerBytes, answerSha) = RunScope.Blob(answer);
        var index = scope.Steps.Count;
        var step = new StepRecord(scope.TaskId, index, StepKind.Validation, StepStatus.Completed, failed?.Check ?? "outcome",
            modelIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), answerSha, TaskIds.IdempotencyKey(scope.TaskId, index),
            null, null, 1, scope.Now, failed?.Detail);
        var record = LedgerPayload.Record("outcome.checked", Verdicts(step, verdicts, scope.Content(answer)));
        if (failed is null)
        {
            Complete(scope, [step], [record], [answerBytes], answer, null);
            return true;
        }

        var retries = 0;
        foreach (var earlier in scope.Steps)
        {
            retries += earlier.Kind == StepKind.Validation && earlier.Status == StepStatus.Failed ? 1 : 0;
        }

        if (outcome.OnFailure == CheckFailureAction.Retry && retries < outcome.MaxRetries)
        {
            var (feedback, feedbackSha) = RunScope.Blob($"Your answer failed the check '{failed.Check}': {failed.Detail}. Try again.");
            scope.Commit([step with { Status = StepStatus.Failed, ResultHash = feedbackSha }], [record], [answerBytes, feedback]);
            return true;
        }

        if (outcome.OnFailure == CheckFailureAction.Escalate)
        {
            var approval = new ApprovalRecord(TaskIds.ApprovalId(step.IdempotencyKey!, ApprovalKind.Outcome, answerSha), scope.TaskId,
                scope.Contract.Tenant, index, ApprovalKind.Outcome, OutcomeTool, answerSha, answerSha, step.IdempotencyKey!,
                "outcome:" + failed.Check, $"the answer failed '{failed.Check}': {failed.Detail}; approve to accept it anyway, deny to fail the task",
                ApprovalStatus.Pending, scope.Now);
            scope.Commit([step with { Status = StepStatus.AwaitingApproval }], [record, LedgerPayload.Record("approval.requested", new JsonObject
            {
                ["step"] = index,
                ["approval_id"] = approval.ApprovalId,
                ["approval_kind"] = ApprovalKind.Outcome.ToString(),
            })], [answerBytes], [approval], scope.WithStatus(AgentTaskStatus.WaitingApproval, null));
            return false;
        }

        scope.Commit([step with { Status = StepStatus.Failed }], [record], [answerBytes]);
        Compensator.BeginStop(scope, "check_failed:" + failed.Check);
        return true;
    }

    /// <summary>Acts on the approval of an escalated answer; false while it is pending.</summary>
    public static bool Escalated(RunScope scope, StepRecord step)
    {
        ApprovalRecord? approval = null;
        foreach (var candidate in scope.Store.Approvals(scope.TaskId))
        {
            approval = candidate.StepIndex == step.Index ? candidate : approval;
        }

        if (approval is null || approval.Status == ApprovalStatus.Pending)
        {
            return false;
        }

        if (approval.Status == ApprovalStatus.Denied)
        {
            scope.Commit([step with { Status = StepStatus.Failed, UpdatedAt = scope.Now }], []);
            Compensator.BeginStop(scope, "check_rejected:" + step.Name);
            return true;
        }

        var answer = scope.BlobText(step.ArgumentsHash);
        Complete(scope, [step with { Status = StepStatus.Completed, UpdatedAt = scope.Now }], [], [], answer, approval.ResolvedBy);
        return true;
    }

    // Completes the task and records what it keeps as memory (and why), in one checkpoint.
    private static void Complete(RunScope scope, List<StepRecord> steps, List<LedgerAppend> evidence, List<byte[]> blobs, string answer, string? acceptedBy)
    {
        var (memory, decision) = MemoryDecision.Decide(scope.Contract, scope.TaskId, answer, scope.Now);
        decision["text"] = memory is null ? null : scope.Content(answer);
        evidence.Add(LedgerPayload.Record("memory.decided", decision));
        evidence.Add(LedgerPayload.Record("task.completed", new JsonObject { ["answer"] = scope.Content(answer), ["accepted_by"] = acceptedBy }));
        scope.Commit(steps, evidence, blobs, task: scope.WithStatus(AgentTaskStatus.Completed, "completed", answer),
            memories: memory is null ? [] : [memory]);
    }

    private static JsonObject Verdicts(StepRecord step, IReadOnlyList<CheckVerdict> verdicts, JsonObject answer)
    {
        var list = new JsonArray();
        foreach (var verdict in verdicts)
        {
            list.Add(new JsonObject { ["check"] = verdict.Check, ["passed"] = verdict.Passed, ["detail"] = verdict.Detail });
        }

        return new JsonObject { ["step"] = step.Index, ["answer"] = answer, ["verdicts"] = list };
    }
}
