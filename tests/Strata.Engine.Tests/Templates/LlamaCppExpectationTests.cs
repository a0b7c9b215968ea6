// The expected outputs of llama.cpp's test-chat-template.cpp (ported to data/llama-cpp-cases.json) render exactly.
using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Engine.Templates;

namespace Strata.Engine.Tests.Templates;

public sealed class LlamaCppExpectationTests
{
    private static readonly Lazy<JsonElement> Document = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TemplateData.Directory, "llama-cpp-cases.json"))).RootElement.Clone());

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Document.Value.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Render_LlamaCppCase_MatchesItsExpectedOutput(string name)
    {
        var testCase = Document.Value.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var messages = JsonNode.Parse(Document.Value.GetProperty("conversation").GetRawText())!.AsArray();
        if (testCase.TryGetProperty("extra_conversation", out var extra))
        {
            foreach (var message in extra.EnumerateArray())
            {
                messages.Add(JsonNode.Parse(message.GetRawText()));
            }
        }

        if (testCase.TryGetProperty("merge_system_into_first_user", out var merge) && merge.GetBoolean())
        {
            // llama.cpp's polyfill for templates without a system role: the system text, a newline, the first user text.
            string system = (string)messages[0]!["content"]!;
            messages.RemoveAt(0);
            messages[0]!["content"] = system + "\n" + (string)messages[0]!["content"]!;
        }

        var input = new ChatTemplateInput(JsonSerializer.SerializeToElement(messages))
        {
            BosToken = testCase.GetProperty("bos_token").GetString()!,
            EosToken = testCase.GetProperty("eos_token").GetString()!,
            Now = new DateTimeOffset(2025, 7, 26, 9, 15, 0, TimeSpan.Zero),
        };

        string output = ModelChatTemplate.Parse(testCase.GetProperty("template").GetString()!).Render(input);

        Assert.Equal(testCase.GetProperty("expected").GetString(), output);
    }

    [Fact]
    public void Cases_PortedFromLlamaCpp_AreAtLeastThirty()
    {
        Assert.True(Document.Value.GetProperty("cases").GetArrayLength() >= 30);
    }
}
