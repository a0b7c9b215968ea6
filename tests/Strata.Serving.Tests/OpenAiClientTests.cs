// The official OpenAI .NET SDK and Microsoft.Extensions.AI's IChatClient against the real server: text, usage, finish reasons, streaming.
using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;

namespace Strata.Serving.Tests;

public sealed class OpenAiClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Prompt = "Once upon a time, there was a little dog";

    private ChatClient Sdk(string key = ServerFixture.KeyA) => new(ServerFixture.Model, new ApiKeyCredential(key),
        new OpenAIClientOptions { Endpoint = new Uri(fixture.BaseUri, "/v1") });

    private static string Rendered(string user) => $"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n";

    [Fact]
    public async Task Sdk_Chat_GreedyTextUsageAndFinishReason_MatchTheEngine()
    {
        var result = await Sdk().CompleteChatAsync([new UserChatMessage(Prompt)],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 24 });
        var completion = result.Value;
        string expected = ServerFixture.Generate(Rendered(Prompt), 24, ["<|im_end|>"]);
        Assert.Equal(expected, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(24, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 10);
        Assert.Equal(completion.Usage.InputTokenCount + 24, completion.Usage.TotalTokenCount);
        Assert.Equal(ServerFixture.Model, completion.Model);
    }

    [Fact]
    public async Task Sdk_ChatStreaming_EqualsNonStreaming_WithUsage()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 20 };
        var whole = (await Sdk().CompleteChatAsync([new UserChatMessage(Prompt)], options)).Value;
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        int updates = 0;
        await foreach (var update in Sdk().CompleteChatStreamingAsync([new UserChatMessage(Prompt)], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
            updates++;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.True(updates > 5, $"only {updates} updates: the stream was not incremental");
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(20, usage!.OutputTokenCount);
        Assert.Equal(whole.Usage.InputTokenCount, usage.InputTokenCount);
    }

    [Fact]
    public async Task ExtensionsAi_IChatClient_ResponseAndStream()
    {
        IChatClient client = Sdk().AsIChatClient();
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 16 };
        var response = await client.GetResponseAsync([new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, Prompt)], options);
        Assert.Equal(ServerFixture.Generate(Rendered(Prompt), 16, ["<|im_end|>"]), response.Text);
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(16, response.Usage?.OutputTokenCount);

        var streamed = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync([new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, Prompt)], options))
        {
            streamed.Append(update.Text);
        }

        Assert.Equal(response.Text, streamed.ToString());
    }

    [Fact]
    public async Task Completions_Greedy_EqualsStrataGenerate_StreamingToo()
    {
        using var http = fixture.Client();
        var reply = await http.PostAsJsonAsync("/v1/completions", new { model = ServerFixture.Model, prompt = Prompt, max_tokens = 32, temperature = 0 });
        Assert.Equal(System.Net.HttpStatusCode.OK, reply.StatusCode);
        Assert.True(reply.Headers.Contains("X-Strata-Trace-Id"));
        using var doc = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
        var choice = doc.RootElement.GetProperty("choices")[0];
        string expected = ServerFixture.Generate(Prompt, 32);
        Assert.Equal(expected, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(32, doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var (streamed, usage) = await Sse.Completion(http, new { prompt = Prompt, max_tokens = 32, temperature = 0, stream = true, stream_options = new { include_usage = true } });
        Assert.Equal(expected, streamed);
        Assert.Equal(32, usage!.Value.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task StopString_EndsBeforeIt_FinishReasonStop()
    {
        using var http = fixture.Client();
        string full = ServerFixture.Generate(Prompt, 40);
        string stop = full.Substring(12, 4);
        var reply = await http.PostAsJsonAsync("/v1/completions", new { prompt = Prompt, max_tokens = 40, temperature = 0, stop = new[] { stop } });
        using var doc = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
        var choice = doc.RootElement.GetProperty("choices")[0];
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], choice.GetProperty("text").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Logprobs_ChosenTokenIsTheTopAlternative_WhenGreedy()
    {
        var result = await Sdk().CompleteChatAsync([new UserChatMessage(Prompt)],
            new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 6, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 });
        var tokens = result.Value.ContentTokenLogProbabilities;
        Assert.NotEmpty(tokens);
        foreach (var t in tokens)
        {
            Assert.True(t.LogProbability <= 0);
            Assert.Equal(3, t.TopLogProbabilities.Count);
            Assert.Equal(t.Token, t.TopLogProbabilities[0].Token);
            Assert.Equal(t.LogProbability, t.TopLogProbabilities[0].LogProbability, 5);
        }
    }

    [Fact]
    public async Task Concurrent_GreedyRequests_EqualTheirSoloResults()
    {
        string[] prompts = ["Once upon a time", "The cat sat on", "Lily and Tom went to the park", "One day, a big bird", "Tim had a red ball"];
        using var http = fixture.Client();
        var solo = new List<string>();
        foreach (var p in prompts)
        {
            solo.Add(ServerFixture.Generate(p, 40));
        }

        var together = await Task.WhenAll(Enumerable.Range(0, prompts.Length * 2).Select(async i =>
            (await Sse.Completion(http, new { prompt = prompts[i % prompts.Length], max_tokens = 40, temperature = 0, stream = true })).Text));
        for (int i = 0; i < together.Length; i++)
        {
            Assert.Equal(solo[i % prompts.Length], together[i]);
        }
    }

    [Fact]
    public async Task Models_ListsTheServedModel()
    {
        var models = (await new OpenAIClient(new ApiKeyCredential(ServerFixture.KeyA), new OpenAIClientOptions { Endpoint = new Uri(fixture.BaseUri, "/v1") })
            .GetOpenAIModelClient().GetModelsAsync()).Value;
        Assert.Contains(models, m => m.Id == ServerFixture.Model);
    }
}
