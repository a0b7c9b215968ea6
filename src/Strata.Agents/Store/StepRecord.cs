// One step of a task (model call, tool call, compensation, validation) as checkpointed before and after it runs.
namespace Strata.Agents;

/// <summary>What a step is; persisted by name, values append-only.</summary>
public enum StepKind
{
    /// <summary>A call to a model.</summary>
    Model = 0,

    /// <summary>A call to a tool, asked for by the model.</summary>
    Tool = 1,

    /// <summary>A compensating tool call undoing a completed tool step.</summary>
    Compensation = 2,

    /// <summary>The check of an answer against the contract's outcome.</summary>
    Validation = 3,
}

/// <summary>Where a step stands; persisted by name, values append-only.</summary>
public enum StepStatus
{
    /// <summary>Recorded, not yet started: safe to start.</summary>
    Planned = 0,

    /// <summary>Started and not known to have finished: after a crash this call is in doubt.</summary>
    Started = 1,

    /// <summary>Finished; its result is stored and it never runs again.</summary>
    Completed = 2,

    /// <summary>Finished with an error (the tool or model failed).</summary>
    Failed = 3,

    /// <summary>Refused by policy, the contract or a person; it never ran.</summary>
    Denied = 4,

    /// <summary>Waiting for a person's approval.</summary>
    AwaitingApproval = 5,
}

/// <summary>A step row. The store keeps the latest state; the ledger keeps every transition.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Index">Its position in the task, from 0.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Name">The tool's name, or the model route's.</param>
/// <param name="CallId">The model's id for the tool call it answers (tool steps).</param>
/// <param name="ArgumentsHash">SHA-256 of the arguments (tool) or prompt (model), stored as a blob when retained.</param>
/// <param name="IdempotencyKey">The key passed to the tool; stable across restarts.</param>
/// <param name="ResultHash">SHA-256 of the result blob, once finished.</param>
/// <param name="ToolIdentity">The tool's <see cref="AgentTool.Identity"/> when the step was planned.</param>
/// <param name="Attempts">How many times it was started (a retry after a crash adds one).</param>
/// <param name="UpdatedAt">When the row last changed.</param>
/// <param name="Detail">Why it stands where it does (the deciding rule, an error message).</param>
public sealed record StepRecord(
    string TaskId,
    int Index,
    StepKind Kind,
    StepStatus Status,
    string Name,
    string? CallId,
    string? ArgumentsHash,
    string? IdempotencyKey,
    string? ResultHash,
    string? ToolIdentity,
    int Attempts,
    DateTimeOffset UpdatedAt,
    string? Detail);
