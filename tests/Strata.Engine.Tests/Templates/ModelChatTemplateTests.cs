// ModelChatTemplate passes transformers' variables, parses OpenAI string tool arguments, and guards its inputs.
using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Engine.Templates;

namespace Strata.Engine.Tests.Templates;

public sealed class ModelChatTemplateTests
{
    private static readonly DateTimeOffset Now = new(2025, 7, 26, 9, 15, 0, TimeSpan.Zero);

    private static ChatTemplateInput Input(string messagesJson) => new(JsonDocument.Parse(messagesJson).RootElement) { Now = Now };

    [Fact]
    public void Render_NoTools_TemplateSeesToolsAndDocumentsAsNone()
    {
        var template = ModelChatTemplate.Parse("{{ tools is defined }}{{ tools is none }}{{ documents is none }}{{ add_generation_prompt }}{{ bos_token }}{{ eos_token }}");

        string output = template.Render(Input("[]") with { BosToken = "<s>", EosToken = "</s>", AddGenerationPrompt = false });

        Assert.Equal("TrueTrueTrueFalse<s></s>", output);
    }

    [Fact]
    public void Render_StringToolArguments_RenderAsTheObjectTransformersExpects()
    {
        var entry = TemplateData.Templates().Single(t => t.Name == "Qwen-Qwen2.5-7B-Instruct");
        var template = ModelChatTemplate.Parse(TemplateData.Source(entry));
        var objectInput = TemplateData.Input("tools", entry);
        var messages = JsonNode.Parse(objectInput.Messages.GetRawText())!.AsArray();
        var function = messages[2]!["tool_calls"]![0]!["function"]!;
        function["arguments"] = function["arguments"]!.ToJsonString();
        var stringInput = objectInput with { Messages = JsonSerializer.SerializeToElement(messages) };

        Assert.Equal(template.Render(objectInput), template.Render(stringInput));
        Assert.Contains("\"arguments\": {\"location\": \"Paris\", \"unit\": \"celsius\"}", template.Render(stringInput));
    }

    [Fact]
    public void Render_NonObjectStringArguments_ArePassedUnchanged()
    {
        var template = ModelChatTemplate.Parse("{% for m in messages %}{% for c in m.tool_calls %}{{ c.function.arguments | tojson }}{% endfor %}{% endfor %}");

        string output = template.Render(Input("""[{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "not json"}}, {"function": {"name": "g", "arguments": "[1, 2]"}}]}]"""));

        Assert.Equal("\"not json\"\"[1, 2]\"", output);
    }

    [Fact]
    public void Render_ExtraEnableThinking_ReachesTheTemplate()
    {
        var template = ModelChatTemplate.Parse("{{ enable_thinking }}");
        var extra = new Dictionary<string, JsonElement> { ["enable_thinking"] = JsonSerializer.SerializeToElement(false) };

        Assert.Equal("False", template.Render(Input("[]") with { Extra = extra }));
    }

    [Fact]
    public void Render_ExtraNamedMessages_ThrowsArgumentException()
    {
        var extra = new Dictionary<string, JsonElement> { ["messages"] = JsonSerializer.SerializeToElement(1) };

        var error = Assert.Throws<ArgumentException>(() => ModelChatTemplate.Parse("x").Render(Input("[]") with { Extra = extra }));

        Assert.Contains("extra variable 'messages'", error.Message);
    }

    [Fact]
    public void Render_MessagesNotAnArray_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelChatTemplate.Parse("x").Render(Input("""{"role": "user"}""")));

        Assert.Contains("messages must be a JSON array, found Object", error.Message);
    }

    [Fact]
    public void Render_TemplateThatRefusesSystemRole_ThrowsItsMessage()
    {
        var template = ModelChatTemplate.Parse("{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}");

        var error = Assert.Throws<TemplateRaisedException>(() => template.Render(Input("""[{"role": "system", "content": "s"}]""")));

        Assert.Equal("System role not supported", error.Message);
    }
}
