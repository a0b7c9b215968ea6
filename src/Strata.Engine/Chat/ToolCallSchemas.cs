// The JSON Schemas that hold a model's tool calls to the offered functions' parameters, per format and tool choice.
using System.Text.Json.Nodes;

namespace Strata.Engine.Chat;

/// <summary>
/// Builds the schema a grammar compiles for tool calling. Generic: the answer is <c>{"tool_calls": [call, …]}</c>, or with
/// tool_choice auto also <c>{"response": "…"}</c>. Llama 3 JSON: the answer is one <c>{"name": …, "parameters": {…}}</c>.
/// A call is an object whose name is one offered function's (a const) and whose arguments follow that function's schema.
/// </summary>
public static class ToolCallSchemas
{
    /// <summary>The schema of the generic format's answer.</summary>
    /// <param name="tools">the offered tools (at least one)</param>
    /// <param name="choice">auto (a call or a text response), required (calls) or named (calls of that function)</param>
    /// <param name="parallel">whether several calls may be made at once</param>
    public static string Generic(IReadOnlyList<ChatTool> tools, ToolChoice choice, bool parallel)
    {
        var calls = new JsonObject
        {
            ["type"] = "array",
            ["items"] = AnyOf(Calls(tools, choice, "arguments")),
            ["minItems"] = 1,
        };
        if (!parallel)
        {
            calls["maxItems"] = 1;
        }

        var toolCalls = ObjectOf(("tool_calls", calls));
        if (choice.Mode != ToolChoiceMode.Auto)
        {
            return toolCalls.ToJsonString();
        }

        var response = ObjectOf(("response", new JsonObject { ["type"] = "string" }));
        return new JsonObject { ["anyOf"] = new JsonArray(toolCalls, response) }.ToJsonString();
    }

    /// <summary>The schema of one Llama 3 JSON tool call (required or named: the model must call).</summary>
    public static string Llama3(IReadOnlyList<ChatTool> tools, ToolChoice choice) => AnyOf(Calls(tools, choice, "parameters")).ToJsonString();

    /// <summary>The schema of one call object with the arguments under <paramref name="argumentsField"/> (Hermes and Mistral: "arguments").</summary>
    public static string Call(IReadOnlyList<ChatTool> tools, ToolChoice choice, string argumentsField) =>
        AnyOf(Calls(tools, choice, argumentsField)).ToJsonString();

    private static List<JsonNode> Calls(IReadOnlyList<ChatTool> tools, ToolChoice choice, string argumentsField)
    {
        var calls = new List<JsonNode>();
        foreach (var tool in tools)
        {
            if (choice.Mode == ToolChoiceMode.Named && tool.Name != choice.FunctionName)
            {
                continue;
            }

            calls.Add(ObjectOf(("name", new JsonObject { ["const"] = tool.Name }), (argumentsField, JsonNode.Parse(tool.Parameters)!)));
        }

        return calls;
    }

    private static JsonNode AnyOf(List<JsonNode> options) =>
        options.Count == 1 ? options[0] : new JsonObject { ["anyOf"] = new JsonArray([.. options]) };

    private static JsonObject ObjectOf(params (string Name, JsonNode Schema)[] properties)
    {
        var props = new JsonObject();
        var required = new JsonArray();
        foreach (var (name, schema) in properties)
        {
            props[name] = schema;
            required.Add(name);
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = props,
            ["required"] = required,
            ["additionalProperties"] = false,
        };
    }
}
