using Strata.Engine.Chat;
using Xunit;

namespace Strata.Engine.Tests.Chat;

public class ToolCallParserTests
{
    private static readonly ChatTool[] Tools =
    [
        new("get_weather", "Weather for a city", """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
        new("add", null, """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}}}"""),
    ];

    private static string Id(int i) => $"call_{i}";

    [Fact]
    public void Parse_GenericToolCalls_ReturnsEachCallAndNoText()
    {
        var reply = ToolCallParser.Parse("""{"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "add", "arguments": {"a": 1, "b": 2}}]}""",
            ToolCallFormat.Generic, Tools, Id);

        Assert.Equal(string.Empty, reply.Content);
        Assert.Equal(2, reply.ToolCalls.Count);
        Assert.Equal(new ChatToolCall("call_0", "get_weather", """{"city": "Paris"}"""), reply.ToolCalls[0]);
        Assert.Equal(new ChatToolCall("call_1", "add", """{"a": 1, "b": 2}"""), reply.ToolCalls[1]);
    }

    [Fact]
    public void Parse_GenericResponse_ReturnsTheResponseText()
    {
        var reply = ToolCallParser.Parse("""{"response": "It is sunny, caf\u00e9 open."}""", ToolCallFormat.Generic, Tools, Id);

        Assert.Equal("It is sunny, café open.", reply.Content);
        Assert.False(reply.HasToolCalls);
    }

    [Theory]
    [InlineData("""{"tool_calls": [{"name": "unknown", "arguments": {}}]}""")]
    [InlineData("""{"tool_calls": [{"name": "add", "arguments": "1,2"}]}""")]
    [InlineData("""{"tool_calls": [{"name": "add", "arguments": {"a": 1""")]
    [InlineData("plain words")]
    public void Parse_GenericNotACall_KeepsTheWholeText(string text)
    {
        var reply = ToolCallParser.Parse(text, ToolCallFormat.Generic, Tools, Id);

        Assert.Equal(text, reply.Content);
        Assert.False(reply.HasToolCalls);
    }

    [Fact]
    public void Parse_HermesBlocks_SplitsTextAndCalls()
    {
        string text = "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call>";

        var reply = ToolCallParser.Parse(text, ToolCallFormat.Hermes, Tools, Id);

        Assert.Equal("Let me check.", reply.Content);
        Assert.Equal(["get_weather", "add"], [reply.ToolCalls[0].Name, reply.ToolCalls[1].Name]);
        Assert.Equal("""{"city": "Oslo"}""", reply.ToolCalls[0].Arguments);
    }

    [Fact]
    public void Parse_HermesMalformedBlock_StaysInTheText()
    {
        string text = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": \n</tool_call> and more";

        var reply = ToolCallParser.Parse(text, ToolCallFormat.Hermes, Tools, Id);

        Assert.Equal(text, reply.Content);
        Assert.Empty(reply.ToolCalls);
    }

    [Fact]
    public void Parse_HermesUnclosedLastBlock_IsACallWhenItsJsonIsWhole()
    {
        var reply = ToolCallParser.Parse("<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": 1}}", ToolCallFormat.Hermes, Tools, Id);

        Assert.Single(reply.ToolCalls);
        Assert.Equal(string.Empty, reply.Content);
    }

    [Fact]
    public void Parse_HermesBareObject_IsTheForcedCall()
    {
        var reply = ToolCallParser.Parse("{\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": 1}}", ToolCallFormat.Hermes, Tools, Id);

        Assert.Equal("add", Assert.Single(reply.ToolCalls).Name);
    }

    [Fact]
    public void Parse_Llama3Json_ReadsParameters()
    {
        var reply = ToolCallParser.Parse("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Lima\"}}", ToolCallFormat.Llama3Json, Tools, Id);

        var call = Assert.Single(reply.ToolCalls);
        Assert.Equal(("get_weather", """{"city": "Lima"}"""), (call.Name, call.Arguments));
    }

    [Fact]
    public void Parse_Llama3PlainAnswer_IsText()
    {
        var reply = ToolCallParser.Parse("The weather is fine.", ToolCallFormat.Llama3Json, Tools, Id);

        Assert.Equal("The weather is fine.", reply.Content);
        Assert.Empty(reply.ToolCalls);
    }

    [Theory]
    [InlineData("[TOOL_CALLS][{\"name\": \"add\", \"arguments\": {\"a\": 5, \"b\": 6}, \"id\": \"abcdefghi\"}]")]
    [InlineData("[{\"name\": \"add\", \"arguments\": {\"a\": 5, \"b\": 6}}]")]
    public void Parse_MistralList_ReadsEachCall(string text)
    {
        var reply = ToolCallParser.Parse(text, ToolCallFormat.MistralNemo, Tools, Id);

        Assert.Equal("""{"a": 5, "b": 6}""", Assert.Single(reply.ToolCalls).Arguments);
        Assert.Equal(string.Empty, reply.Content);
    }

    [Theory]
    [InlineData(null, ToolCallFormat.Generic)]
    [InlineData("{% for m in messages %}<|im_start|>{{ m.role }}{% endfor %}", ToolCallFormat.Generic)]
    [InlineData("{%- if tools %}<tools></tools> <tool_call>{% endif %}", ToolCallFormat.Hermes)]
    [InlineData("<|start_header_id|>ipython<|end_header_id|> {\"name\": function name, \"parameters\": dict}", ToolCallFormat.Llama3Json)]
    [InlineData("[AVAILABLE_TOOLS]{{ tools|tojson }}[/AVAILABLE_TOOLS][TOOL_CALLS]", ToolCallFormat.MistralNemo)]
    public void Detect_TemplateMarkers_GivesTheFormat(string? template, ToolCallFormat expected) =>
        Assert.Equal(expected, ToolCallFormats.Detect(template));
}
