// The script a ScriptedChatClient plays: one turn per model call, each a text and the tool calls to ask for.
using System.Text.Json;

namespace Strata.Agents;

/// <summary>A scripted model's turns; <see cref="Final"/> answers every call after the last turn.</summary>
public sealed record ModelScript
{
    /// <summary>The turns, in order.</summary>
    public IReadOnlyList<ScriptTurn> Turns { get; init; } = [];

    /// <summary>The answer once the turns are spent.</summary>
    public string Final { get; init; } = "done";

    /// <summary>Reads a script from JSON (the task-file conventions: snake_case, strict).</summary>
    /// <exception cref="JsonException">the JSON is not a script</exception>
    public static ModelScript Parse(string json) =>
        JsonSerializer.Deserialize<ModelScript>(json, AgentJson.Options) ?? throw new JsonException("the script is null");
}

/// <summary>
/// One scripted turn. String arguments may name the task's inputs as <c>${input.NAME}</c> and the turn's number
/// (from 1) as <c>${turn}</c>.
/// </summary>
public sealed record ScriptTurn
{
    /// <summary>The reply's text.</summary>
    public string Text { get; init; } = "";

    /// <summary>The tool calls to ask for.</summary>
    public IReadOnlyList<ScriptCall> ToolCalls { get; init; } = [];

    /// <summary>How many consecutive turns this entry plays.</summary>
    public int Repeat { get; init; } = 1;
}

/// <summary>A scripted tool call.</summary>
/// <param name="Name">The tool.</param>
/// <param name="Arguments">Its arguments (a JSON object).</param>
public sealed record ScriptCall(string Name, JsonElement Arguments);
