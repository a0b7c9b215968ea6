// Tells a model without a tool format of its own which tools it has and how to answer, in a system message.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Engine.Chat;

/// <summary>
/// For the generic format (and for templates that do not render <c>tools</c>): the tools and the JSON answer format are
/// described at the head of the first system message (one is added when the conversation has none), as llama.cpp's
/// generic chat handler does. Past assistant calls are written back in the same JSON, so the history shows the format.
/// </summary>
public static class GenericToolPrompt
{
    /// <summary>The turns with the tools' description merged into the system message.</summary>
    public static List<ChatTurn> Inject(IReadOnlyList<ChatTurn> turns, IReadOnlyList<ChatTool> tools, ToolChoice choice)
    {
        string description = Describe(tools, choice);
        var result = new List<ChatTurn>(turns.Count + 1);
        bool merged = false;
        foreach (var turn in turns)
        {
            if (!merged && turn.Role is "system" or "developer")
            {
                result.Add(turn with { Content = turn.Content.Length == 0 ? description : turn.Content + "\n\n" + description });
                merged = true;
            }
            else
            {
                result.Add(turn);
            }
        }

        if (!merged)
        {
            result.Insert(0, new ChatTurn("system", description));
        }

        return result;
    }

    /// <summary>The system text: each tool as JSON, then the answer format the grammar enforces.</summary>
    public static string Describe(IReadOnlyList<ChatTool> tools, ToolChoice choice)
    {
        var text = new StringBuilder("You can call these tools:\n");
        foreach (var tool in tools)
        {
            var entry = new JsonObject { ["name"] = tool.Name };
            if (tool.Description is not null)
            {
                entry["description"] = tool.Description;
            }

            entry["parameters"] = JsonNode.Parse(tool.Parameters);
            text.Append(entry.ToJsonString()).Append('\n');
        }

        text.Append("Answer with one JSON object: {\"tool_calls\": [{\"name\": <tool name>, \"arguments\": <arguments object>}]} to call tools");
        text.Append(choice.Mode == ToolChoiceMode.Auto ? ", or {\"response\": <your answer>} to answer directly." : ".");
        return text.ToString();
    }

    /// <summary>An assistant turn's calls in the generic format: <c>{"tool_calls": [{"name": …, "arguments": {…}}]}</c>.</summary>
    public static string CallsJson(IReadOnlyList<ChatToolCall> calls)
    {
        var list = new JsonArray();
        foreach (var call in calls)
        {
            list.Add(new JsonObject { ["name"] = call.Name, ["arguments"] = ParseArguments(call.Arguments) });
        }

        return new JsonObject { ["tool_calls"] = list }.ToJsonString();
    }

    /// <summary>Arguments JSON text as a node; text that is not JSON stays a string.</summary>
    public static JsonNode? ParseArguments(string arguments)
    {
        try
        {
            return JsonNode.Parse(arguments);
        }
        catch (JsonException)
        {
            return JsonValue.Create(arguments);
        }
    }
}
