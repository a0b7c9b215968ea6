// How a model writes a tool call: its own format when its chat template defines one, else a generic JSON envelope.
namespace Strata.Engine.Chat;

/// <summary>The text format of tool calls in a model's output.</summary>
public enum ToolCallFormat
{
    /// <summary>
    /// No format of the model's own: the whole answer is one JSON object, <c>{"tool_calls": [{"name": …, "arguments": {…}}]}</c>
    /// or <c>{"response": "…"}</c>, constrained by a grammar (llama.cpp's generic format, with a list of calls).
    /// </summary>
    Generic = 0,

    /// <summary>Hermes 2 Pro / Qwen 2.5 / Qwen 3: <c>&lt;tool_call&gt;\n{"name": …, "arguments": {…}}\n&lt;/tool_call&gt;</c>, one block per call.</summary>
    Hermes = 1,

    /// <summary>Llama 3.1–3.3 JSON tool calling: the answer is <c>{"name": …, "parameters": {…}}</c>.</summary>
    Llama3Json = 2,

    /// <summary>Mistral Nemo: <c>[TOOL_CALLS][{"name": …, "arguments": {…}, "id": …}]</c>.</summary>
    MistralNemo = 3,
}
