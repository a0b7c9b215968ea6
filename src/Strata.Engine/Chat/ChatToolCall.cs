// One function call the assistant asked for: what OpenAI calls a tool call, and Microsoft.Extensions.AI a FunctionCallContent.
namespace Strata.Engine.Chat;

/// <summary>A call of a function tool, as the model produced it or as a client sends it back in the history.</summary>
/// <param name="Id">the call's id (the tool result names it in its tool_call_id)</param>
/// <param name="Name">the function's name</param>
/// <param name="Arguments">the arguments as JSON text (an object)</param>
public sealed record ChatToolCall(string Id, string Name, string Arguments);
