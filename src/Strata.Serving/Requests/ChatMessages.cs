// The 'messages' of a chat completion request: roles checked, content as a string or text parts joined.
using System.Text.Json;
using Strata.Engine.Chat;
using Strata.Engine.Generation;
using static Strata.Serving.JsonField;

namespace Strata.Serving;

/// <summary>Parses a chat request's messages into <see cref="ChatTurn"/>s, or fails with a 400 naming the bad element.</summary>
internal static class ChatMessages
{
    /// <summary>Appends the turns of the 'messages' array v to messages.</summary>
    public static void Parse(JsonElement v, List<ChatTurn> messages)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
        {
            throw ApiError.BadRequest($"'messages' must be a non-empty array; found {Kind(v)}", "messages");
        }

        int i = 0;
        foreach (var m in v.EnumerateArray())
        {
            string at = $"messages[{i}]";
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'{at}' must be an object; found {Kind(m)}", at);
            }

            string? role = null;
            string? content = null;
            string? name = null;
            string? toolCallId = null;
            List<ChatToolCall>? toolCalls = null;
            foreach (var f in m.EnumerateObject())
            {
                switch (f.Name)
                {
                    case "role":
                        role = String(f.Value, $"{at}.role");
                        if (role is not ("system" or "developer" or "user" or "assistant" or "tool"))
                        {
                            throw ApiError.BadRequest($"'{at}.role' must be system, developer, user, assistant or tool; found '{role}'", $"{at}.role");
                        }

                        break;
                    case "content":
                        content = Content(f.Value, $"{at}.content");
                        break;
                    case "name":
                        name = String(f.Value, $"{at}.name");
                        break;
                    case "tool_calls":
                        toolCalls = f.Value.ValueKind == JsonValueKind.Null ? null : ToolFields.ParseToolCalls(f.Value, $"{at}.tool_calls");
                        break;
                    case "tool_call_id":
                        toolCallId = String(f.Value, $"{at}.tool_call_id");
                        break;
                    case "refusal":
                        break;
                    default:
                        throw ApiError.BadRequest($"unknown field '{at}.{f.Name}'", $"{at}.{f.Name}");
                }
            }

            if (role is null)
            {
                throw ApiError.BadRequest($"'{at}.role' is required", $"{at}.role");
            }

            if (toolCalls is not null && role != "assistant")
            {
                throw ApiError.BadRequest($"'{at}.tool_calls' is only allowed on an assistant message; this one is '{role}'", $"{at}.tool_calls");
            }

            if (role == "tool" && toolCallId is null)
            {
                throw ApiError.BadRequest($"'{at}.tool_call_id' is required on a tool message", $"{at}.tool_call_id");
            }

            messages.Add(new ChatTurn(role, content ?? string.Empty, toolCalls, toolCallId, name));
            i++;
        }
    }

    private static string Content(JsonElement v, string field)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString()!;
        }

        if (v.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest($"'{field}' must be a string or an array of text parts; found {Kind(v)}", field);
        }

        var text = new System.Text.StringBuilder();
        int i = 0;
        foreach (var part in v.EnumerateArray())
        {
            string at = $"{field}[{i++}]";
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw ApiError.BadRequest($"'{at}' must be an object with a 'type'", at);
            }

            if (type.GetString() != "text")
            {
                throw ApiError.BadRequest($"'{at}.type' is '{type.GetString()}'; this server takes only text parts", $"{at}.type");
            }

            if (!part.TryGetProperty("text", out var t))
            {
                throw ApiError.BadRequest($"'{at}.text' is required", $"{at}.text");
            }

            text.Append(String(t, $"{at}.text"));
        }

        return text.ToString();
    }
}
