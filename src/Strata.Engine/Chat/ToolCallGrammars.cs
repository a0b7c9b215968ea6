// The grammars of forced tool calls in a model's own format (Hermes tags, Mistral's list).
using System.Text.Json.Nodes;
using Strata.Engine.Grammar;

namespace Strata.Engine.Chat;

/// <summary>
/// Forced calls (tool_choice required or a named function) in the Hermes and Mistral Nemo formats. Hermes: one or more
/// <c>&lt;tool_call&gt;\n{call}\n&lt;/tool_call&gt;</c> blocks, the call objects held to the tools' schemas (the schema's
/// GBNF with a start rule around it). Mistral Nemo: its <c>[TOOL_CALLS]</c> marker is a control token a grammar over text
/// cannot emit, so the forced answer is the bare list of calls, which <see cref="ToolCallParser"/> reads as calls.
/// </summary>
public static class ToolCallGrammars
{
    /// <summary>The start rule of the Hermes wrapper (a name no schema rule takes: schema rules are lowercase words and digits).</summary>
    public const string HermesRoot = "strata-hermes-calls";

    /// <summary>Hermes: tagged call blocks, one when calls are not parallel.</summary>
    public static OutputConstraint Hermes(IReadOnlyList<ChatTool> tools, ToolChoice choice, bool parallel)
    {
        string call = JsonSchemaGrammar.ToGbnf(ToolCallSchemas.Call(tools, choice, "arguments"));
        string block = "\"<tool_call>\\n\" root \"\\n</tool_call>\"";
        string wrapper = parallel ? $"{HermesRoot} ::= {block} (\"\\n\" {block})*" : $"{HermesRoot} ::= {block}";
        return new OutputConstraint(ConstraintLanguage.Gbnf, call + "\n" + wrapper + "\n", HermesRoot);
    }

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
