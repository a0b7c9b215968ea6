// The structured-output fields of a chat request: tools, tool_choice and response_format, each checked and named in a 400.
using System.Text.Json;
using Strata.Engine.Chat;
using static Strata.Serving.JsonField;

namespace Strata.Serving;

/// <summary>Parses OpenAI's <c>tools</c>, <c>tool_choice</c> and <c>response_format</c>.</summary>
internal static class ToolFields
{
    /// <summary>The function tools of the 'tools' array v.</summary>
    public static void ParseTools(JsonElement v, List<ChatTool> tools)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest($"'tools' must be an array; found {Kind(v)}", "tools");
        }

        int i = 0;
        foreach (var t in v.EnumerateArray())
        {
            string at = $"tools[{i++}]";
            if (t.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'{at}' must be an object; found {Kind(t)}", at);
            }

            if (!t.TryGetProperty("type", out var type) || String(type, $"{at}.type") != "function")
            {
                throw ApiError.BadRequest($"'{at}.type' must be 'function'", $"{at}.type");
            }

            if (!t.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'{at}.function' must be an object", $"{at}.function");
            }

            var tool = ParseFunction(f, $"{at}.function");
            foreach (var other in tools)
            {
                if (other.Name == tool.Name)
                {
                    throw ApiError.BadRequest($"'{at}.function.name' repeats '{tool.Name}'; function names must be unique", $"{at}.function.name");
                }
            }

            tools.Add(tool);
        }
    }

    /// <summary>'tool_choice': "auto", "none", "required" or {"type": "function", "function": {"name": …}}.</summary>
    public static ToolChoice? ParseToolChoice(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return v.GetString() switch
                {
                    "auto" => ToolChoice.Auto,
                    "none" => ToolChoice.None,
                    "required" => ToolChoice.Required,
                    var s => throw ApiError.BadRequest($"'tool_choice' must be 'auto', 'none', 'required' or a function; found '{s}'", "tool_choice"),
                };
            case JsonValueKind.Object:
                if (!v.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                {
                    throw ApiError.BadRequest("'tool_choice.type' must be 'function'", "tool_choice.type");
                }

                if (!v.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object
                    || !f.TryGetProperty("name", out var name))
                {
                    throw ApiError.BadRequest("'tool_choice.function.name' is required", "tool_choice.function.name");
                }

                return ToolChoice.Function(String(name, "tool_choice.function.name"));
            default:
                throw ApiError.BadRequest($"'tool_choice' must be a string or an object; found {Kind(v)}", "tool_choice");
        }
    }

    /// <summary>'response_format': {"type": "text" | "json_object" | "json_schema", "json_schema": {"name", "schema", "strict"}}.</summary>
    public static ResponseFormat ParseResponseFormat(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return ResponseFormat.Text;
        }

        if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw ApiError.BadRequest("'response_format' must be an object with a 'type'", "response_format");
        }

        switch (type.GetString())
        {
            case "text":
                return ResponseFormat.Text;
            case "json_object":
                return ResponseFormat.JsonObject;
            case "json_schema":
                break;
            default:
                throw ApiError.BadRequest(
                    $"'response_format.type' must be 'text', 'json_object' or 'json_schema'; found '{type.GetString()}'", "response_format.type");
        }

        if (!v.TryGetProperty("json_schema", out var js) || js.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest("'response_format.json_schema' must be an object with a 'name' and a 'schema'", "response_format.json_schema");
        }

        string? name = js.TryGetProperty("name", out var n) ? String(n, "response_format.json_schema.name") : null;
        if (js.TryGetProperty("strict", out var strict) && strict.ValueKind != JsonValueKind.Null)
        {
            Bool(strict, "response_format.json_schema.strict"); // a grammar holds the answer to the schema either way
        }

        if (!js.TryGetProperty("schema", out var schema))
        {
            // OpenAI allows a json_schema without a schema: any JSON object.
            return new ResponseFormat(ResponseFormatKind.JsonObject, null, name);
        }

        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True))
        {
            throw ApiError.BadRequest($"'response_format.json_schema.schema' must be a JSON Schema object; found {Kind(schema)}",
                "response_format.json_schema.schema");
        }

        return new ResponseFormat(ResponseFormatKind.JsonSchema, schema.GetRawText(), name);
    }

    /// <summary>An assistant message's 'tool_calls' array.</summary>
    public static List<ChatToolCall> ParseToolCalls(JsonElement v, string field)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest($"'{field}' must be an array; found {Kind(v)}", field);
        }

        var calls = new List<ChatToolCall>();
        int i = 0;
        foreach (var c in v.EnumerateArray())
        {
            string at = $"{field}[{i++}]";
            if (c.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'{at}' must be an object; found {Kind(c)}", at);
            }

            string id = c.TryGetProperty("id", out var idValue) ? String(idValue, $"{at}.id") : $"call_{i - 1}";
            if (!c.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'{at}.function' must be an object", $"{at}.function");
            }

            if (!f.TryGetProperty("name", out var name))
            {
                throw ApiError.BadRequest($"'{at}.function.name' is required", $"{at}.function.name");
            }

            string arguments = f.TryGetProperty("arguments", out var a) ? String(a, $"{at}.function.arguments") : "{}";
            calls.Add(new ChatToolCall(id, String(name, $"{at}.function.name"), arguments));
        }

        return calls;
    }

    private static ChatTool ParseFunction(JsonElement f, string at)
    {
        if (!f.TryGetProperty("name", out var nameValue))
        {
            throw ApiError.BadRequest($"'{at}.name' is required", $"{at}.name");
        }

        string name = String(nameValue, $"{at}.name");
        if (!ChatTool.IsValidName(name))
        {
            throw ApiError.BadRequest($"'{at}.name' must be 1 to 64 letters, digits, '_' or '-'; found '{name}'", $"{at}.name");
        }

        string? description = f.TryGetProperty("description", out var d) && d.ValueKind != JsonValueKind.Null
            ? String(d, $"{at}.description") : null;
        string parameters = "{\"type\":\"object\"}";
        if (f.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'{at}.parameters' must be a JSON Schema object; found {Kind(p)}", $"{at}.parameters");
            }

            parameters = p.GetRawText();
        }

        bool strict = f.TryGetProperty("strict", out var s) && s.ValueKind != JsonValueKind.Null && Bool(s, $"{at}.strict");
        return new ChatTool(name, description, parameters, strict);
    }
}
