// The public API of JinjaTemplate: errors name the construct and its place, refusals are explicit, limits hold, renders are concurrent-safe.
using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Engine.Templates;

namespace Strata.Engine.Tests.Templates;

public sealed class JinjaTemplateTests
{
    private static readonly DateTimeOffset Now = new(2025, 7, 26, 9, 15, 0, TimeSpan.Zero);

    private static string Render(string source, TemplateLimits? limits = null) =>
        JinjaTemplate.Parse(source).Render(new TemplateContext
        {
            Variables = new Dictionary<string, object?> { ["xs"] = new List<object?> { 1, 2, 3 } },
            Now = Now,
            Limits = limits ?? TemplateLimits.Default,
        });

    [Fact]
    public void Parse_UnknownFilter_NamesTheFilterAndItsLine()
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse("a\n{{ x }}\n{{ x|wordwrap }}"));

        Assert.StartsWith("unknown filter 'wordwrap' at line 3", error.Message);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Parse_UnknownFilterInsideIf_FailsOnlyWhenEvaluated()
    {
        var template = JinjaTemplate.Parse("{% if xs|length > 5 %}{{ xs|wordwrap }}{% endif %}ok");

        Assert.Equal("ok", template.Render(new Dictionary<string, object?> { ["xs"] = new List<object?> { 1 } }));
        var error = Assert.Throws<TemplateException>(() => template.Render(new Dictionary<string, object?> { ["xs"] = new List<object?> { 1, 2, 3, 4, 5, 6 } }));
        Assert.Equal("unknown filter 'wordwrap' at line 1", error.Message);
    }

    [Theory]
    [InlineData("{{ x is wellformed }}", "unknown test 'wellformed' at line 1")]
    [InlineData("{% do x %}", "unknown tag 'do' at line 1")]
    [InlineData("\n{% block body %}{% endblock %}", "unsupported tag 'block' at line 2")]
    [InlineData("{% include 'other.jinja' %}", "unsupported tag 'include' at line 1")]
    [InlineData("{% for x in xs recursive %}{% endfor %}", "unsupported recursive for loop at line 1")]
    [InlineData("{% break %}", "'break' outside a for loop at line 1")]
    [InlineData("{% if x %}", "unexpected end of template, expected 'elif' or 'else' or 'endif' at line 1")]
    [InlineData("{# open", "missing end of comment tag at line 1")]
    [InlineData("{% raw %}open", "missing end of raw directive ({% endraw %}) at line 1")]
    public void Parse_UnsupportedOrMalformed_ThrowsNamingConstructAndLine(string source, string expectedStart)
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(source));

        Assert.StartsWith(expectedStart, error.Message);
    }

    [Fact]
    public void Parse_SyntaxError_NamesLineAndColumn()
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse("line one\n  {{ 1 + }}"));

        Assert.Equal("unexpected 'end of print statement' at line 2, column 10", error.Message);
        Assert.Equal((2, 10), (error.Line, error.Column));
    }

    [Fact]
    public void Parse_DeeplyNestedExpression_ThrowsTemplateExceptionNotStackOverflow()
    {
        string source = "{{ " + new string('(', 50_000) + "1" + new string(')', 50_000) + " }}";

        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(source));

        Assert.Contains("nested more than 200 levels deep", error.Message);
    }

    [Fact]
    public void Parse_DeeplyNestedTags_ThrowsTemplateException()
    {
        string source = string.Concat(Enumerable.Repeat("{% if true %}", 10_000)) + string.Concat(Enumerable.Repeat("{% endif %}", 10_000));

        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(source));

        Assert.Contains("tags nested more than 200 levels deep", error.Message);
    }

    [Fact]
    public void Render_RaiseException_ThrowsTemplateRaisedExceptionWithTheMessage()
    {
        var error = Assert.Throws<TemplateRaisedException>(() => Render("ok\n{{ raise_exception('Roles must alternate (' ~ xs|length ~ ')') }}"));

        Assert.Equal("Roles must alternate (3)", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Theory]
    [InlineData("{{ missing.attribute }}", "'missing' is undefined at line 1")]
    [InlineData("{{ xs.append(4) }}", "access to attribute 'append' of 'list' object is unsafe. at line 1")]
    [InlineData("{{ 9223372036854775807 + 1 }}", "integer result does not fit in 64 bits at line 1")]
    [InlineData("{{ xs|select }}", "cannot print a generator value (Python would print its address) at line 1")]
    [InlineData("{{ 'x'.encode() }}", "unsupported method 'str.encode' at line 1")]
    [InlineData("{{ lipsum() }}", "'lipsum' is undefined at line 1")]
    [InlineData("{{ range(100001)|length }}", "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000). at line 1")]
    public void Render_UnsupportedOrFailingConstruct_ThrowsWithMessageAndLine(string source, string expected)
    {
        var error = Assert.Throws<TemplateException>(() => Render(source));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Render_StrftimeNow_FormatsTheInjectedInstant()
    {
        Assert.Equal("26 Jul 2025|2025-07-26|09:15", Render("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%H:%M') }}"));
    }

    [Fact]
    public void Render_StrftimeNowWithoutNow_Throws()
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse("{{ strftime_now('%Y') }}").Render(new Dictionary<string, object?>()));

        Assert.StartsWith("strftime_now needs the render's time", error.Message);
    }

    [Fact]
    public void Render_NestedLoopsOverBudget_ThrowsBudgetError()
    {
        var limits = new TemplateLimits { MaxSteps = 100_000 };

        var error = Assert.Throws<TemplateException>(() => Render("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", limits));

        Assert.StartsWith("template went over its budget of 100000 steps", error.Message);
    }

    [Theory]
    [InlineData("{% for i in range(100000) %}{{ range(100000)|select|list|length }}{% endfor %}")]
    [InlineData("{% for i in range(100000) %}{% set s = range(100000)|join(',') %}{% endfor %}")]
    [InlineData("{% set ns = namespace(x='') %}{% for i in range(100000) %}{% set ns.x = ns.x ~ 'abcdefgh' %}{% endfor %}")]
    public void Render_HostileWorkWithDefaultLimits_StopsWithTheBudgetError(string source)
    {
        var error = Assert.Throws<TemplateException>(() => Render(source));

        Assert.StartsWith("template went over its budget of 5000000 steps", error.Message);
    }

    [Fact]
    public void Render_ConversationFillingA128kContext_FitsTheDefaultLimits()
    {
        var entry = TemplateData.Templates().Single(t => t.Name == "Qwen-Qwen2.5-7B-Instruct");
        var messages = new JsonArray();
        for (int i = 0; i < 500; i++)
        {
            messages.Add(new JsonObject { ["role"] = i % 2 == 0 ? "user" : "assistant", ["content"] = new string('x', 1000) + i });
        }

        var input = TemplateData.Input("tools", entry) with { Messages = JsonSerializer.SerializeToElement(messages) };

        string prompt = ModelChatTemplate.Parse(TemplateData.Source(entry)).Render(input);

        Assert.True(prompt.Length > 500_000, $"{prompt.Length} characters");
    }

    [Fact]
    public void Render_OutputOverLimit_Throws()
    {
        var limits = new TemplateLimits { MaxOutputChars = 1_000 };

        var error = Assert.Throws<TemplateException>(() => Render("{% for a in range(1000) %}0123456789{% endfor %}", limits));

        Assert.StartsWith("template wrote more than 1000 characters", error.Message);
    }

    [Fact]
    public void Render_InfiniteMacroRecursion_StopsAtTheCallDepth()
    {
        var error = Assert.Throws<TemplateException>(() => Render("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}"));

        Assert.StartsWith("macro calls nested more than 100 deep (macro 'm')", error.Message);
    }

    [Fact]
    public void Render_StringDoublingInALoop_StopsAtTheSizeLimit()
    {
        var error = Assert.Throws<TemplateException>(() =>
            Render("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"));

        Assert.Contains("over", error.Message);
    }

    [Fact]
    public void Render_ConcurrentRendersOfOneTemplate_GiveTheSameText()
    {
        var entry = TemplateData.Templates().Single(t => t.Name == "Qwen-Qwen2.5-7B-Instruct");
        var template = ModelChatTemplate.Parse(TemplateData.Source(entry));
        var input = TemplateData.Input("tools", entry);
        string expected = template.Render(input);

        var outputs = new string[64];
        Parallel.For(0, outputs.Length, i => outputs[i] = template.Render(input));

        Assert.All(outputs, output => Assert.Equal(expected, output));
    }

    [Fact]
    public void Render_DotNetAndJsonValues_ConvertToPythonValues()
    {
        var variables = new Dictionary<string, object?>
        {
            ["element"] = JsonDocument.Parse("""{"i": 1, "f": 1.0, "e": 2e3, "s": "x", "n": null, "b": true, "a": [1, "two"]}""").RootElement,
            ["node"] = JsonNode.Parse("""{"k": [true, false]}"""),
            ["number"] = 7,
            ["real"] = 0.5,
            ["map"] = new Dictionary<string, object?> { ["z"] = 1, ["a"] = 2 },
        };

        string output = JinjaTemplate.Parse("{{ element }}|{{ node }}|{{ number + real }}|{{ map }}").Render(variables);

        Assert.Equal("{'i': 1, 'f': 1.0, 'e': 2000.0, 's': 'x', 'n': None, 'b': True, 'a': [1, 'two']}|{'k': [True, False]}|7.5|{'z': 1, 'a': 2}", output);
    }

    [Fact]
    public void Render_NonPositiveLimit_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Render("x", new TemplateLimits { MaxSteps = 0 }));
    }
}
