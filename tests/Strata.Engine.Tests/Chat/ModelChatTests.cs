using System.Text.Json;
using Strata.Engine.Chat;
using Xunit;

namespace Strata.Engine.Tests.Chat;

public class ModelChatTests
{
    private static readonly ChatTool Weather =
        new("get_weather", "Weather for a city", """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

    private static readonly ModelChat ChatMl = new(ChatMlTemplate.Instance);

    [Fact]
    public void Render_NoTools_IsPlainChatMlWithNoGrammar()
    {
        var prompt = ChatMl.Render(new ChatRequest([new ChatTurn("user", "Hi")]));

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt.Text);
        Assert.Null(prompt.Constraint);
        Assert.False(prompt.ParsesToolCalls);
        Assert.Equal(["<|im_end|>"], prompt.StopStrings);
    }

    [Fact]
    public void Render_ToolsAuto_DescribesToolsInASystemMessageAndHoldsTheGenericJson()
    {
        var prompt = ChatMl.Render(new ChatRequest([new ChatTurn("system", "Be brief."), new ChatTurn("user", "Weather in Oslo?")]) { Tools = [Weather] });

        Assert.StartsWith("<|im_start|>system\nBe brief.\n\nYou can call these tools:\n{\"name\":\"get_weather\"", prompt.Text);
        Assert.Contains("or {\"response\": <your answer>}", prompt.Text);
        Assert.Equal(ConstraintLanguage.JsonSchema, prompt.Constraint!.Language);
        using var schema = JsonDocument.Parse(prompt.Constraint.Source);
        Assert.Equal(2, schema.RootElement.GetProperty("anyOf").GetArrayLength());
        Assert.True(prompt.ParsesToolCalls);
    }

    [Fact]
    public void Render_ToolChoiceNone_ShowsNoToolsAndParsesNothing()
    {
        var prompt = ChatMl.Render(new ChatRequest([new ChatTurn("user", "Hi")]) { Tools = [Weather], ToolChoice = ToolChoice.None });

        Assert.DoesNotContain("get_weather", prompt.Text);
        Assert.Null(prompt.Constraint);
        Assert.False(prompt.ParsesToolCalls);
    }

    [Fact]
    public void Render_NamedFunctionWithoutParallel_SchemaHoldsOneCallOfThatFunction()
    {
        var add = new ChatTool("add", null, """{"type":"object"}""");
        var prompt = ChatMl.Render(new ChatRequest([new ChatTurn("user", "Hi")])
        {
            Tools = [Weather, add],
            ToolChoice = ToolChoice.Function("add"),
            ParallelToolCalls = false,
        });

        using var schema = JsonDocument.Parse(prompt.Constraint!.Source);
        var calls = schema.RootElement.GetProperty("properties").GetProperty("tool_calls");
        Assert.Equal(1, calls.GetProperty("maxItems").GetInt32());
        Assert.Equal("add", calls.GetProperty("items").GetProperty("properties").GetProperty("name").GetProperty("const").GetString());
        Assert.DoesNotContain("response", prompt.Text.Split("You can call")[1]);
    }

    [Fact]
    public void Render_HistoryWithCallsAndResults_WritesTheCallsAsGenericJsonAndTheResultAsAToolTurn()
    {
        var turns = new[]
        {
            new ChatTurn("user", "Weather?"),
            new ChatTurn("assistant", string.Empty, [new ChatToolCall("c1", "get_weather", """{"city":"Oslo"}""")]),
            new ChatTurn("tool", "12 C", ToolCallId: "c1"),
        };

        var prompt = ChatMl.Render(new ChatRequest(turns) { Tools = [Weather] });

        Assert.EndsWith(
            "<|im_start|>assistant\n{\"tool_calls\":[{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}]}<|im_end|>\n"
            + "<|im_start|>tool\n12 C<|im_end|>\n<|im_start|>assistant\n",
            prompt.Text);
    }

    [Fact]
    public void Render_ResponseFormatSchema_IsTheConstraint()
    {
        string schema = """{"type":"object","properties":{"n":{"type":"integer"}}}""";
        var prompt = ChatMl.Render(new ChatRequest([new ChatTurn("user", "Hi")]) { ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, schema) });

        Assert.Equal(new OutputConstraint(ConstraintLanguage.JsonSchema, schema), prompt.Constraint);
    }
}
