// `strata template` as a user runs it: the exact prompt on stdout, refusals and bad files as one error line and exit code 2.
using Strata.Engine.Artifacts;

namespace Strata.Cli.Tests;

public sealed class TemplateCommandTests : IDisposable
{
    private const string ChatMl =
        "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
        + "{% if tools %}tools: {{ tools | map(attribute='function.name') | join(', ') }}\n{% endif %}"
        + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}{{ strftime_now('%d %b %Y') }}{{ eos_token }}";

    private readonly string _folder = Directory.CreateTempSubdirectory("strata-template-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Messages() => Write("messages.json", """[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi 👋"}]""");

    [Fact]
    public void Template_FileAndMessages_PrintsExactlyTheRenderedPrompt()
    {
        var r = StrataProcess.Run("template", "--template", Write("chat.jinja", ChatMl), "--messages", Messages(),
            "--bos-token", "<s>", "--eos-token", "</s>", "--now", "2025-07-26T09:15:00+00:00");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal("<s><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi 👋<|im_end|>\n<|im_start|>assistant\n26 Jul 2025</s>", r.StdOut);
        Assert.Equal("", r.StdErr);
    }

    [Fact]
    public void Template_ToolsAndNoGenerationPrompt_AreApplied()
    {
        string tools = Write("tools.json", """[{"type": "function", "function": {"name": "get_weather", "parameters": {}}}, {"type": "function", "function": {"name": "get_time"}}]""");

        var r = StrataProcess.Run("template", "--template", Write("chat.jinja", ChatMl), "--messages", Messages(), "--tools", tools,
            "--no-generation-prompt", "--now", "2024-02-29T23:00:00-05:00");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi 👋<|im_end|>\ntools: get_weather, get_time\n29 Feb 2024", r.StdOut);
    }

    [Fact]
    public void Template_ModelGguf_UsesItsChatTemplateAndTokenTexts()
    {
        string model = Path.Combine(_folder, "tiny.gguf");
        new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", ["<unk>", "<s>", "</s>", "a"])
            .Add("tokenizer.ggml.scores", [0f, 0f, 0f, 0f])
            .Add("tokenizer.ggml.token_type", [2, 3, 3, 1])
            .Add("tokenizer.ggml.bos_token_id", 1u)
            .Add("tokenizer.ggml.eos_token_id", 2u)
            .Add("tokenizer.chat_template", "{{ bos_token }}[{{ messages[-1].content }}]{{ eos_token }}")
            .Write(model);

        var r = StrataProcess.Run("template", "--model", model, "--messages", Messages());

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal("<s>[Hi 👋]</s>", r.StdOut);
    }

    [Fact]
    public void Template_TemplateRaises_ExitsTwoWithTheTemplateMessage()
    {
        string template = Write("strict.jinja", "{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}");

        var r = StrataProcess.Run("template", "--template", template, "--messages", Messages(), "--now", "2025-07-26T09:15:00Z");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.StdOut);
        Assert.Equal("error: System role not supported", r.StdErr.TrimEnd());
    }

    [Fact]
    public void Template_UnknownFilter_ExitsTwoNamingFilterAndLine()
    {
        var r = StrataProcess.Run("template", "--template", Write("bad.jinja", "ok\n{{ messages|wordwrap }}"), "--messages", Messages());

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: unknown filter 'wordwrap' at line 2", r.StdErr);
    }

    [Theory]
    [InlineData("{\"role\": \"user\"}", "expected a JSON array of messages, found object")]
    [InlineData("[{\"role\": ", "not valid JSON")]
    public void Template_BadMessagesFile_ExitsTwoNamingTheFile(string json, string expected)
    {
        string messages = Write("bad.json", json);

        var r = StrataProcess.Run("template", "--template", Write("chat.jinja", ChatMl), "--messages", messages);

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"error: {messages}: {expected}", r.StdErr);
    }

    [Fact]
    public void Template_NoTemplateNorModel_ExitsTwoSayingWhatToGive()
    {
        var r = StrataProcess.Run("template", "--messages", Messages());

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: give the template: --template FILE.jinja, or --model FILE.gguf", r.StdErr);
    }

    [Fact]
    public void Template_BadNow_ExitsTwo()
    {
        var r = StrataProcess.Run("template", "--template", Write("chat.jinja", ChatMl), "--messages", Messages(), "--now", "yesterday");

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: --now: expected an ISO-8601 time", r.StdErr);
    }
}
