// The grammars of forced tool calls in a model's own format (Hermes tags, Mistral's list).
using System.Text.Json.Nodes;

namespace Strata.Engine.Chat;

/// <summary>
/// Forced calls (tool_choice required or a named function) in the Hermes and Mistral Nemo formats. The call objects are
/// held to the tools' schemas; the format's markers around them are left out of the grammar: Mistral's
/// <c>[TOOL_CALLS]</c> is a control token the grammar cannot emit, so both formats' forced answers are the bare JSON
/// (one call object for Hermes, a list of them for Mistral), which <see cref="ToolCallParser"/> reads as calls.
/// </summary>
public static class ToolCallGrammars
{
    /// <summary>Hermes: one call object <c>{"name": …, "arguments": {…}}</c>.</summary>
    public static OutputConstraint Hermes(IReadOnlyList<ChatTool> tools, ToolChoice choice, bool parallel) =>
        new(ConstraintLanguage.JsonSchema, ToolCallSchemas.Call(tools, choice, "arguments"));

    /// <summary>Mistral Nemo: a list of call objects (one when calls are not parallel).</summary>
    public static OutputConstraint MistralNemo(IReadOnlyList<ChatTool> tools, ToolChoice choice, bool parallel)
    {
        var list = new JsonObject
        {
            ["type"] = "array",
            ["items"] = JsonNode.Parse(ToolCallSchemas.Call(tools, choice, "arguments")),
            ["minItems"] = 1,
        };
        if (!parallel)
        {
            list["maxItems"] = 1;
        }

        return new OutputConstraint(ConstraintLanguage.JsonSchema, list.ToJsonString());
    }
}
