// Renders a model's own chat template (GGUF tokenizer.chat_template) with the variables transformers passes.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Engine.Templates;

/// <summary>
/// A model's chat template, rendered as transformers' <c>apply_chat_template(messages, tools=tools,
/// add_generation_prompt=...)</c> renders it: the variables are <c>messages</c>, <c>tools</c> (none when absent),
/// <c>documents</c> (none), <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c> and the extras.
/// </summary>
/// <remarks>
/// Tool calls' <c>function.arguments</c>: transformers passes them as given and documents them as a dict, which is
/// what templates expect (most write <c>arguments | tojson</c>). OpenAI clients send a JSON string, which would be
/// written as a quoted string; so, as vLLM and llama.cpp do, an <c>arguments</c> string holding a JSON object is
/// parsed into that object first. Any other string is passed unchanged.
/// </remarks>
public sealed class ModelChatTemplate
{
    private static readonly string[] Reserved = ["messages", "tools", "documents", "add_generation_prompt"];

    /// <summary>Wraps a parsed template.</summary>
    public ModelChatTemplate(JinjaTemplate template) => Template = template;

    /// <summary>The parsed template.</summary>
    public JinjaTemplate Template { get; }

    /// <summary>Parses a chat template.</summary>
    /// <exception cref="TemplateException">the template cannot be parsed or uses an unsupported construct</exception>
    public static ModelChatTemplate Parse(string source) => new(JinjaTemplate.Parse(source));

    /// <summary>The prompt text for <paramref name="input"/>.</summary>
    /// <exception cref="TemplateRaisedException">the template refused the conversation with raise_exception</exception>
    /// <exception cref="TemplateException">the template failed</exception>
    /// <exception cref="ArgumentException">the messages are not an array, or an extra uses a reserved name</exception>
    public string Render(ChatTemplateInput input) => Render(input, TemplateLimits.Default);

    /// <summary>The prompt text for <paramref name="input"/>, within <paramref name="limits"/>.</summary>
    /// <exception cref="TemplateRaisedException">the template refused the conversation with raise_exception</exception>
    /// <exception cref="TemplateException">the template failed or went over its limits</exception>
    /// <exception cref="ArgumentException">the messages are not an array, or an extra uses a reserved name</exception>
    public string Render(ChatTemplateInput input, TemplateLimits limits)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Messages.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException($"messages must be a JSON array, found {input.Messages.ValueKind}", nameof(input));
        }

        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = WithParsedArguments(input.Messages),
            ["tools"] = input.Tools is { ValueKind: not JsonValueKind.Null } tools ? tools : null,
            ["documents"] = null,
            ["add_generation_prompt"] = input.AddGenerationPrompt,
            ["bos_token"] = input.BosToken,
            ["eos_token"] = input.EosToken,
        };
        foreach (var (name, value) in input.Extra ?? new Dictionary<string, JsonElement>())
        {
            if (Reserved.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"extra variable '{name}' would replace a variable the chat template is given", nameof(input));
            }

            variables[name] = value;
        }

        return Template.Render(new TemplateContext { Variables = variables, Now = input.Now, Limits = limits });
    }

    /// <summary>The messages with each tool call's JSON-object string arguments parsed into the object.</summary>
    private static JsonNode? WithParsedArguments(JsonElement messages)
    {
        var array = JsonNode.Parse(messages.GetRawText());
        foreach (var message in array?.AsArray() ?? [])
        {
            if (message is not JsonObject { } m || m["tool_calls"] is not JsonArray calls)
            {
                continue;
            }

            foreach (var call in calls)
            {
                if (call?["function"] is JsonObject function && function["arguments"] is JsonValue text
                    && text.TryGetValue(out string? json) && TryParseObject(json) is { } parsed)
                {
                    function["arguments"] = parsed;
                }
            }
        }

        return array;
    }

    private static JsonObject? TryParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
