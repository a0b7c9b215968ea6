// Microsoft.Extensions.AI's messages and options in the engine's chat terms, and tool calls back as FunctionCallContent.
using System.Text.Json;
using Microsoft.Extensions.AI;
using Strata.Engine.Chat;

namespace Strata.Engine;

/// <summary>
/// Maps <see cref="ChatMessage"/>s (text, <see cref="FunctionCallContent"/>, <see cref="FunctionResultContent"/>) and
/// <see cref="ChatOptions"/> (tools, tool mode, response format) to a <see cref="ChatRequest"/>, so the in-process client
/// renders and constrains exactly as the server does.
/// </summary>
internal static class ChatMessageMapping
{
    /// <summary>The engine's request for <paramref name="messages"/> under <paramref name="options"/>.</summary>
    /// <exception cref="NotSupportedException">a tool is not a function, or the response format is not text or JSON</exception>
    public static ChatRequest ToRequest(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var turns = new List<ChatTurn>();
        foreach (var m in messages)
        {
            AddTurns(m, turns);
        }

        var tools = new List<ChatTool>();
        foreach (var tool in options?.Tools ?? [])
        {
            if (tool is not AIFunctionDeclaration function)
            {
                throw new NotSupportedException($"tool '{tool.Name}' is a {tool.GetType().Name}; StrataChatClient calls only functions (AIFunctionDeclaration)");
            }

            tools.Add(new ChatTool(function.Name, function.Description.Length > 0 ? function.Description : null, function.JsonSchema.GetRawText()));
        }

        return new ChatRequest(turns)
        {
            Tools = tools,
            ToolChoice = options?.ToolMode switch
            {
                NoneChatToolMode => ToolChoice.None,
                RequiredChatToolMode { RequiredFunctionName: { } name } => ToolChoice.Function(name),
                RequiredChatToolMode => ToolChoice.Required,
                _ => null,
            },
            ParallelToolCalls = options?.AllowMultipleToolCalls ?? true,
            ResponseFormat = options?.ResponseFormat switch
            {
                null or ChatResponseFormatText => ResponseFormat.Text,
                ChatResponseFormatJson { Schema: { } schema } json => new ResponseFormat(ResponseFormatKind.JsonSchema, schema.GetRawText(), json.SchemaName),
                ChatResponseFormatJson => ResponseFormat.JsonObject,
                var other => throw new NotSupportedException($"response format {other.GetType().Name} is not supported by StrataChatClient"),
            },
        };
    }

    /// <summary>A call as Microsoft.Extensions.AI's content: its id, name and arguments parsed from JSON.</summary>
    public static FunctionCallContent ToContent(ChatToolCall call)
    {
        var arguments = (Dictionary<string, object?>?)JsonSerializer.Deserialize(call.Arguments,
            AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>)));
        return new FunctionCallContent(call.Id, call.Name, arguments);
    }

    // A message may carry several results (one per call); each becomes its own tool turn, as OpenAI's messages are.
    private static void AddTurns(ChatMessage m, List<ChatTurn> turns)
    {
        List<ChatToolCall>? calls = null;
        foreach (var content in m.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    (calls ??= []).Add(new ChatToolCall(call.CallId, call.Name,
                        JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(),
                            AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)))));
                    break;
                case FunctionResultContent result:
                    turns.Add(new ChatTurn("tool", ResultText(result.Result), ToolCallId: result.CallId));
                    break;
            }
        }

        string text = m.Text;
        if (calls is not null || text.Length > 0 || !HasResults(m))
        {
            turns.Add(new ChatTurn(m.Role.Value, text, calls, Name: m.AuthorName));
        }
    }

    private static bool HasResults(ChatMessage m)
    {
        foreach (var content in m.Contents)
        {
            if (content is FunctionResultContent)
            {
                return true;
            }
        }

        return false;
    }

    private static string ResultText(object? result) => result switch
    {
        null => string.Empty,
        string s => s,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText(),
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions.GetTypeInfo(result.GetType())),
    };
}
