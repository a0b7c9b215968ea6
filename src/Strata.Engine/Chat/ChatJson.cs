// Messages and tools as the OpenAI-shaped JSON a chat template reads (transformers' apply_chat_template conventions).
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Engine.Chat;

/// <summary>
/// Builds a template's <c>messages</c> and <c>tools</c>: <c>{"role", "content", "tool_calls": [{"id", "type": "function",
/// "function": {"name", "arguments"}}], "tool_call_id", "name"}</c> and <c>[{"type": "function", "function": {"name",
/// "description", "parameters"}}]</c>. A call's arguments are given to the template as a JSON object, not text, as llama.cpp
/// does and as transformers documents (templates write them with <c>tojson</c>).
/// </summary>
public static class ChatJson
{
    /// <summary>The messages array.</summary>
    public static JsonElement Messages(IReadOnlyList<ChatTurn> turns)
    {
        var list = new JsonArray();
        foreach (var turn in turns)
        {
            var message = new JsonObject { ["role"] = turn.Role, ["content"] = turn.Content };
            if (turn.ToolCalls is { Count: > 0 } calls)
            {
                var array = new JsonArray();
                foreach (var call in calls)
                {
                    array.Add(new JsonObject
                    {
                        ["id"] = call.Id,
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = GenericToolPrompt.ParseArguments(call.Arguments) },
                    });
                }

                message["tool_calls"] = array;
            }

            if (turn.ToolCallId is not null)
            {
                message["tool_call_id"] = turn.ToolCallId;
            }

            if (turn.Name is not null)
            {
                message["name"] = turn.Name;
            }

            list.Add(message);
        }

        return ToElement(list);
    }

    /// <summary>The tools array.</summary>
    public static JsonElement Tools(IReadOnlyList<ChatTool> tools)
    {
        var list = new JsonArray();
        foreach (var tool in tools)
        {
            var function = new JsonObject { ["name"] = tool.Name };
            if (tool.Description is not null)
            {
                function["description"] = tool.Description;
            }

            function["parameters"] = JsonNode.Parse(tool.Parameters);
            list.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }

        return ToElement(list);
    }

    private static JsonElement ToElement(JsonNode node)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }
}
