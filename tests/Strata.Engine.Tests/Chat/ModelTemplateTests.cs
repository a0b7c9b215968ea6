// A model's own chat template through ModelChat: the prompt is what jinja2 renders (the goldens), tokenized with special tokens.
using System.Text.Json;
using Strata.Engine.Artifacts;
using Strata.Engine.Chat;
using Xunit;

namespace Strata.Engine.Tests.Chat;

public class ModelTemplateTests
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "Templates", "data");

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static (List<ChatTurn> Turns, bool AddGenerationPrompt, DateTimeOffset Now) Conversation(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, "conversations", name + ".json")));
        var turns = new List<ChatTurn>();
        foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray())
        {
            turns.Add(new ChatTurn(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!));
        }

        return (turns, doc.RootElement.GetProperty("add_generation_prompt").GetBoolean(),
            DateTimeOffset.Parse(doc.RootElement.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("qwen3", "system-user")]
    [InlineData("qwen3", "multi-turn")]
    [InlineData("qwen3", "multi-turn-no-prompt")]
    [InlineData("qwen3", "unicode")]
    [InlineData("llama3_1", "system-user")]
    [InlineData("llama3_1", "multi-turn")]
    [InlineData("llama3_1", "unicode")]
    public void Render_ModelWithTemplate_IsTheJinja2GoldenLessTheBosTheTokenizerAdds(string model, string conversation)
    {
        using var artifact = ModelArtifact.Open(model == "qwen3" ? TemplateModels.Qwen3 : TemplateModels.Llama31);
        var (turns, addPrompt, now) = Conversation(conversation);
        var chat = ModelChat.For(artifact, new FixedTime(now));
        string golden = File.ReadAllText(Path.Combine(Data, "goldens", "shared-" + model, conversation + ".txt"));

        var prompt = chat.Render(new ChatRequest(turns) { AddGenerationPrompt = addPrompt });

        Assert.StartsWith("jinja:", chat.Template.Name, StringComparison.Ordinal);
        string bos = artifact.Tokenizer.AddBosByDefault ? artifact.ChatTemplate!.BosToken : "";
        Assert.Equal(golden.StartsWith(bos, StringComparison.Ordinal) ? golden[bos.Length..] : golden, prompt.Text);
        int[] ids = chat.Encode(prompt, artifact.Tokenizer);
        Assert.Equal(artifact.Tokenizer.EncodeParsingSpecial(golden, addSpecial: bos.Length == 0).Length, ids.Length);
        Assert.Empty(prompt.StopStrings); // turns end at the tokenizer's end-of-generation tokens
    }

    private static JinjaChatTemplate LlamaCppTemplate(string file, string bos) =>
        new(File.ReadAllText(Path.Combine(Data, "templates", file)), bos, "", tokenizerAddsBos: true, TimeProvider.System);

    [Theory]
    [InlineData("Qwen-Qwen3-0.6B.jinja", ToolCallFormat.Hermes)]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja", ToolCallFormat.Hermes)]
    [InlineData("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", ToolCallFormat.Hermes)]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct.jinja", ToolCallFormat.Llama3Json)]
    [InlineData("meta-llama-Llama-3.3-70B-Instruct.jinja", ToolCallFormat.Llama3Json)]
    [InlineData("mistralai-Mistral-Nemo-Instruct-2407.jinja", ToolCallFormat.MistralNemo)]
    [InlineData("google-gemma-2-2b-it.jinja", ToolCallFormat.Generic)]
    public void Detect_RealTemplates_GiveTheirToolFormats(string file, ToolCallFormat expected) =>
        Assert.Equal(expected, LlamaCppTemplate(file, "<s>").ToolFormat);

    [Fact]
    public void Render_Qwen3ModelTools_PassesThemToTheTemplateInItsOwnFormat()
    {
        using var qwen = ModelArtifact.Open(TemplateModels.Qwen3);
        var tools = new[] { new ChatTool("get_weather", "Weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}") };

        var prompt = ModelChat.For(qwen).Render(new ChatRequest([new ChatTurn("user", "Weather in Oslo?")]) { Tools = tools });

        Assert.Equal(ToolCallFormat.Hermes, prompt.ToolFormat);
        Assert.Contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"", prompt.Text, StringComparison.Ordinal);
        Assert.Null(prompt.Constraint); // auto in the model's own format: free text, calls parsed out of it
    }

    [Fact]
    public void Render_TemplateThatRaises_IsAChatTemplateExceptionWithItsMessage()
    {
        // Llama 3.1 Instruct's template refuses an assistant turn with two tool calls.
        var chat = new ModelChat(LlamaCppTemplate("meta-llama-Llama-3.1-8B-Instruct.jinja", "<|begin_of_text|>"));
        var calls = new[] { new ChatToolCall("a", "f", "{}"), new ChatToolCall("b", "f", "{}") };
        var request = new ChatRequest([new ChatTurn("user", "hi"), new ChatTurn("assistant", string.Empty, calls), new ChatTurn("user", "and?")])
        {
            Tools = [new ChatTool("f", null, """{"type":"object"}""")],
        };

        var e = Assert.Throws<ChatTemplateException>(() => chat.Render(request));

        Assert.True(e.RaisedByTemplate);
        Assert.Contains("only supports single tool-calls", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grammar_HermesForcedCall_AcceptsTaggedBlocksOnly()
    {
        var tools = new[] { new ChatTool("get_weather", null, """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""") };
        var constraint = ToolCallGrammars.Hermes(tools, ToolChoice.Required, parallel: true);

        var grammar = new ConstraintCompiler().Compile(constraint);

        Assert.True(Accepts(grammar, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>"));
        Assert.True(Accepts(grammar, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"a\"}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"b\"}}\n</tool_call>"));
        Assert.False(Accepts(grammar, "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}"));
        Assert.False(Accepts(grammar, "<tool_call>\n{\"name\": \"other\", \"arguments\": {}}\n</tool_call>"));
    }

    private static bool Accepts(Strata.Engine.Grammar.Grammar grammar, string text)
    {
        var automaton = new Strata.Engine.Grammar.GrammarAutomaton(grammar);
        int state = automaton.Initial;
        foreach (var rune in text.EnumerateRunes())
        {
            state = automaton.Next(state, rune.Value);
            if (state == Strata.Engine.Grammar.GrammarAutomaton.Dead)
            {
                return false;
            }
        }

        return automaton.State(state).Accepting;
    }
}
