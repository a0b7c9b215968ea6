// The final_answer tool of tasks whose every model call must call a tool: calling it is the answer, and ends the task.
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Agents;

/// <summary>
/// <c>final_answer(answer)</c>, offered when <see cref="AgentRuntimeOptions.RequireToolCalls"/> is on. It never runs:
/// a reply that calls it becomes a plain answer (its <c>answer</c> argument), checked against the contract like any
/// other; tool calls beside it in the same reply are dropped unrun.
/// </summary>
public static class FinalAnswer
{
    /// <summary>The tool's name.</summary>
    public const string ToolName = "final_answer";

    /// <summary>The declaration shown to the model.</summary>
    public static readonly AIFunctionDeclaration Declaration = AIFunctionFactory.CreateDeclaration(ToolName,
        "Give the final answer when the goal is reached; this ends the task.",
        JsonDocument.Parse("""{"type":"object","properties":{"answer":{"type":"string","maxLength":256}},"required":["answer"],"additionalProperties":false}""").RootElement.Clone());

    /// <summary>The reply as a final answer when it calls <see cref="ToolName"/>; else the reply unchanged.</summary>
    public static ModelReply Apply(ModelReply reply)
    {
        foreach (var call in reply.ToolCalls)
        {
            if (call.Name == ToolName)
            {
                var answer = call.Arguments.ValueKind == JsonValueKind.Object && call.Arguments.TryGetProperty("answer", out var value)
                    && value.ValueKind == JsonValueKind.String ? value.GetString()! : call.Arguments.GetRawText();
                return reply with { Text = answer, ToolCalls = [], FinalAnswer = true };
            }
        }

        return reply;
    }
}
