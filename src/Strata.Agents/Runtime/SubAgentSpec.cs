// A sub-agent a task may hand part of its goal to, offered to the model as a tool.
namespace Strata.Agents;

/// <summary>
/// A sub-agent: a tool that runs a sub-task. The sub-task gets at most its parent's authority: the scopes and tools
/// listed here that the parent also holds, the parent's classification, risk and deadline, and budgets no larger
/// than the parent's. Its every call goes through the same policy and approvals.
/// </summary>
public sealed record SubAgentSpec
{
    /// <summary>The tool's name.</summary>
    public required string Name { get; init; }

    /// <summary>What it does, shown to the model.</summary>
    public string Description { get; init; } = "Hands part of the goal to a sub-agent and returns its answer.";

    /// <summary>Tools the sub-task may use (only those its parent is also offered).</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>Scopes the sub-task may hold (only those its parent also holds); empty: the parent's.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The sub-task's budgets, tightened to the parent's.</summary>
    public TaskBudgets Budgets { get; init; } = new() { MaxSteps = 20 };

    /// <summary>The model route the sub-task asks for (null: its parent's).</summary>
    public string? Route { get; init; }
}
