// The limits a task runs under: steps, tokens, wall time and cost; exceeding one stops the task with that reason.
namespace Strata.Agents;

/// <summary>Budgets of a task. A null limit is unlimited, except <see cref="MaxSteps"/>, which always holds.</summary>
public sealed record TaskBudgets
{
    /// <summary>Most model calls plus tool calls the task may make.</summary>
    public int MaxSteps { get; init; } = 50;

    /// <summary>Most prompt plus completion tokens over all model calls, as the models report them.</summary>
    public long? MaxTokens { get; init; }

    /// <summary>Most wall time from submission to outcome, waiting for approval included.</summary>
    public TimeSpan? MaxWallTime { get; init; }

    /// <summary>Most cost, in the currency of the tools' declared <see cref="ToolDeclaration.CostPerCall"/>.</summary>
    public decimal? MaxCost { get; init; }

    /// <summary>The tighter of two budgets, limit by limit (a sub-task never gets more than its parent).</summary>
    public TaskBudgets Tighten(TaskBudgets other) => new()
    {
        MaxSteps = Math.Min(MaxSteps, other.MaxSteps),
        MaxTokens = Min(MaxTokens, other.MaxTokens),
        MaxWallTime = MaxWallTime is null ? other.MaxWallTime
            : other.MaxWallTime is null ? MaxWallTime : TimeSpan.FromTicks(Math.Min(MaxWallTime.Value.Ticks, other.MaxWallTime.Value.Ticks)),
        MaxCost = MaxCost is null ? other.MaxCost : other.MaxCost is null ? MaxCost : Math.Min(MaxCost.Value, other.MaxCost.Value),
    };

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
