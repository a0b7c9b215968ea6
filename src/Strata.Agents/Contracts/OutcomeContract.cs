// What a task's outcome must satisfy before the task may close, and what happens when it does not.
using System.Text.Json;

namespace Strata.Agents;

/// <summary>The checks a task's final answer must pass, and what a failure does.</summary>
public sealed record OutcomeContract
{
    /// <summary>A JSON Schema the answer (parsed as JSON) must satisfy; null when the answer is free text.</summary>
    public JsonElement? OutputSchema { get; init; }

    /// <summary>Named checks, run in order after the schema.</summary>
    public IReadOnlyList<OutcomeCheck> Checks { get; init; } = [];

    /// <summary>What a failed check does.</summary>
    public CheckFailureAction OnFailure { get; init; } = CheckFailureAction.Retry;

    /// <summary>How many times a failed answer is sent back to the model before the task fails.</summary>
    public int MaxRetries { get; init; } = 2;
}

/// <summary>One named check of an outcome.</summary>
public sealed record OutcomeCheck
{
    /// <summary>Name of the check, recorded with its verdict.</summary>
    public required string Name { get; init; }

    /// <summary>What kind of check it is.</summary>
    public OutcomeCheckKind Kind { get; init; } = OutcomeCheckKind.Code;

    /// <summary>The check's argument: the text to contain, the pattern to match, the code check's registered name, or the grading rubric.</summary>
    public string? Value { get; init; }
}

/// <summary>Kinds of outcome check; persisted by name, values append-only.</summary>
public enum OutcomeCheckKind
{
    /// <summary>A C# check registered with the runtime under <see cref="OutcomeCheck.Value"/> (or its name).</summary>
    Code = 0,

    /// <summary>The answer contains <see cref="OutcomeCheck.Value"/>.</summary>
    Contains = 1,

    /// <summary>The answer matches the regular expression <see cref="OutcomeCheck.Value"/>.</summary>
    Regex = 2,

    /// <summary>
    /// A model grades the answer against the rubric <see cref="OutcomeCheck.Value"/>, answering JSON
    /// <c>{"pass": bool, "reason": string}</c>; its route is chosen like the task's, under the same policy and boundary.
    /// </summary>
    ModelGraded = 3,
}

/// <summary>What a failed outcome check does; persisted by name, values append-only.</summary>
public enum CheckFailureAction
{
    /// <summary>Send the failure back to the model, up to <see cref="OutcomeContract.MaxRetries"/> times, then fail.</summary>
    Retry = 0,

    /// <summary>Pause the task for a person to accept or reject the answer.</summary>
    Escalate = 1,

    /// <summary>Fail the task at once.</summary>
    Fail = 2,
}
