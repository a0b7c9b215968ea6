// Everything an agent runtime runs with: the store, the policy, model routes, tools, checks and the clock.
namespace Strata.Agents;

/// <summary>What <see cref="AgentRuntime"/> needs; built once by the host (the CLI, the server, a test).</summary>
public sealed record AgentRuntimeOptions
{
    /// <summary>Where tasks are checkpointed.</summary>
    public required ICheckpointStore Store { get; init; }

    /// <summary>The rules decided before every tool call and model route.</summary>
    public required Policy Policy { get; init; }

    /// <summary>The model routes.</summary>
    public required ModelRouter Router { get; init; }

    /// <summary>The tools.</summary>
    public required ToolCatalog Tools { get; init; }

    /// <summary>Code checks by name, for <see cref="OutcomeCheckKind.Code"/>: given the answer, null when it passes, else why not.</summary>
    public IReadOnlyDictionary<string, Func<string, string?>> Checks { get; init; } = new Dictionary<string, Func<string, string?>>();

    /// <summary>The clock of deadlines, budgets and ledger times.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Output tokens a model call may produce (null: the route's default).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>
    /// When true every model call must call a tool (<see cref="Microsoft.Extensions.AI.ChatToolMode.RequireAny"/>), and the
    /// task ends when the model calls <see cref="FinalAnswer.ToolName"/>: with a constrained model (Strata's engine holds a
    /// required call to the tools' schemas) every reply is then a valid call, even from a weak model.
    /// </summary>
    public bool RequireToolCalls { get; init; }

    /// <summary>Sampling temperature of model calls (null: the route's default).</summary>
    public float? Temperature { get; init; }

    /// <summary>Seed passed to model calls, so a scripted or sampled run is repeatable.</summary>
    public long? Seed { get; init; }
}
