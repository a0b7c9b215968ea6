// The budgets and the deadline: whether a task may take its next step, and if not, the reason it stops.
using System.Text.Json;

namespace Strata.Agents;

/// <summary>
/// Checks a task's budgets before each step starts. Steps count model calls and tool calls that have started;
/// tokens are the models' reported counts; cost is the declared cost of the tools called; wall time runs from
/// submission, waiting for approval included.
/// </summary>
internal sealed class StopRules
{
    private readonly RunScope _scope;
    private readonly Dictionary<int, long> _tokensByStep = [];

    public StopRules(RunScope scope)
    {
        _scope = scope;
    }

    /// <summary>The reason the task must stop before starting <paramref name="next"/> (null: a new model call); null when it may go on.</summary>
    public string? Check(StepRecord? next)
    {
        var contract = _scope.Contract;
        var budgets = contract.Budgets;
        var now = _scope.Now;
        if (contract.Deadline is { } deadline && now >= deadline)
        {
            return "deadline";
        }

        if (budgets.MaxWallTime is { } wall && now - _scope.Task.SubmittedAt >= wall)
        {
            return "budget:wall_time";
        }

        if (next is not null && next.Status != StepStatus.Planned)
        {
            return null; // already started or approved: stopping now would strand it
        }

        var (steps, tokens, cost) = Spent();
        if (steps >= budgets.MaxSteps)
        {
            return "budget:steps";
        }

        if (next is null && budgets.MaxTokens is { } maxTokens && tokens >= maxTokens)
        {
            return "budget:tokens";
        }

        var nextCost = next is null ? 0m : _scope.Options.Tools.Find(next.Name)?.Declaration.CostPerCall ?? 0m;
        return budgets.MaxCost is { } maxCost && cost + nextCost > maxCost ? "budget:cost" : null;
    }

    private (int Steps, long Tokens, decimal Cost) Spent()
    {
        int steps = 0;
        long tokens = 0;
        decimal cost = 0;
        foreach (var step in _scope.Steps)
        {
            // A step counts once it has started (a call denied or waiting before it ran has no attempt).
            if (step.Kind is not (StepKind.Model or StepKind.Tool) || step.Attempts == 0)
            {
                continue;
            }

            steps++;
            if (step.Kind == StepKind.Tool)
            {
                cost += _scope.Options.Tools.Find(step.Name)?.Declaration.CostPerCall ?? 0m;
            }
            else if (step.Status == StepStatus.Completed)
            {
                tokens += Tokens(step);
            }
        }

        return (steps, tokens, cost);
    }

    private long Tokens(StepRecord step)
    {
        if (!_tokensByStep.TryGetValue(step.Index, out var tokens))
        {
            var reply = JsonSerializer.Deserialize<ModelReply>(_scope.BlobText(step.ResultHash), AgentJson.Options)!;
            tokens = reply.InputTokens + reply.OutputTokens;
            _tokensByStep[step.Index] = tokens;
        }

        return tokens;
    }
}
