// The contract a task is submitted under: who asks, with what authority, under which limits, for what goal.
using System.Text.Json;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// A task's contract, validated on submit (<see cref="ContractValidator"/>) and stored with the task. The task
/// never gains authority the contract lacks: it may call only the <see cref="Tools"/> offered, only with the
/// <see cref="Scopes"/> granted, and see only context at or below its <see cref="Classification"/>.
/// </summary>
public sealed record TaskContract
{
    /// <summary>The tenant the task runs for.</summary>
    public required string Tenant { get; init; }

    /// <summary>Who submitted it (a person or service), recorded on every decision.</summary>
    public required string Actor { get; init; }

    /// <summary>The authority granted: a tool whose scope is not listed here is denied.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>How much harm the task could do.</summary>
    public RiskLevel Risk { get; init; } = RiskLevel.Low;

    /// <summary>When the task must have finished; past it the task stops with reason <c>deadline</c>.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The task's data classification: its clearance for context, and what model routes it may use.</summary>
    public DataClassification Classification { get; init; } = DataClassification.Internal;

    /// <summary>The task's budgets.</summary>
    public TaskBudgets Budgets { get; init; } = new();

    /// <summary>What the task is to achieve, in words given to the model.</summary>
    public required string Goal { get; init; }

    /// <summary>Names of the tools offered to the task.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>Named inputs (a JSON object), given to the model and to argument constraints.</summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>Context items offered to the task.</summary>
    public IReadOnlyList<ContextItem> Context { get; init; } = [];

    /// <summary>What the outcome must satisfy; null when any final answer closes the task.</summary>
    public OutcomeContract? Outcome { get; init; }

    /// <summary>What the task keeps for later tasks; null keeps nothing.</summary>
    public MemoryRule? Memory { get; init; }

    /// <summary>The model route asked for by name; null lets the router choose.</summary>
    public string? Model { get; init; }
}
