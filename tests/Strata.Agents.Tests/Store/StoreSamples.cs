// Sample rows for store tests, with times carrying odd ticks and non-UTC offsets so exactness is tested.
using Strata.Evidence;

namespace Strata.Agents.Tests;

/// <summary>Builders of tasks, steps, approvals and checkpoints with every field set.</summary>
public static class StoreSamples
{
    /// <summary>A time with sub-millisecond ticks and a +05:30 offset.</summary>
    public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.FromMinutes(330)).AddTicks(1_234_567);

    public static StoredTask TaskRow(string taskId = "task_a", AgentTaskStatus status = AgentTaskStatus.Running, int minute = 0) => new(
        TaskId: taskId,
        Tenant: "acme",
        ContractJson: "{\"goal\":\"refund order 7\"}",
        ProfileJson: "{\"policy\":\"default.yaml\"}",
        Status: status,
        StopReason: null,
        Answer: null,
        SubmittedAt: Start.AddMinutes(minute),
        UpdatedAt: Start.AddMinutes(minute).AddTicks(3));

    public static StepRecord Step(string taskId = "task_a", int index = 0, StepStatus status = StepStatus.Planned) => new(
        TaskId: taskId,
        Index: index,
        Kind: StepKind.Tool,
        Status: status,
        Name: "refund",
        CallId: "call_" + index,
        ArgumentsHash: EvidenceHash.Sha256Hex("{\"order\":7}"u8),
        IdempotencyKey: $"{taskId}/{index}",
        ResultHash: null,
        ToolIdentity: "tool-identity-1",
        Attempts: 1,
        UpdatedAt: Start.AddSeconds(index).AddTicks(7),
        Detail: "rule refunds-need-approval");

    public static ApprovalRecord Approval(string approvalId = "apr_1", string taskId = "task_a", string toolIdentity = "tool-identity-1", int minute = 0) => new(
        ApprovalId: approvalId,
        TaskId: taskId,
        Tenant: "acme",
        StepIndex: 0,
        Kind: ApprovalKind.Policy,
        Tool: "refund",
        ToolIdentity: toolIdentity,
        ArgumentsHash: EvidenceHash.Sha256Hex("{\"order\":7}"u8),
        IdempotencyKey: $"{taskId}/0",
        Rule: "refunds-need-approval",
        Reason: "refunds over 100 need a person",
        Status: ApprovalStatus.Pending,
        RaisedAt: Start.AddMinutes(minute).AddTicks(11));

    /// <summary>A checkpoint that submits <paramref name="taskId"/> and records <c>task.submitted</c>.</summary>
    public static Checkpoint Submit(string taskId = "task_a", int minute = 0) => new(taskId, Start.AddMinutes(minute))
    {
        Task = TaskRow(taskId, minute: minute),
        Evidence = [new LedgerAppend("task.submitted", "{\"task_id\":\"" + taskId + "\"}")],
    };

    /// <summary>Asserts two times are the same instant written with the same offset (record equality ignores the offset).</summary>
    public static void AssertSameTime(DateTimeOffset expected, DateTimeOffset actual)
    {
        Assert.Equal(expected.UtcTicks, actual.UtcTicks);
        Assert.Equal(expected.Offset, actual.Offset);
    }
}
