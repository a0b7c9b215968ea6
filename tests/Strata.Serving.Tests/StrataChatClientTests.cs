// Strata in-process through Microsoft.Extensions.AI: the same greedy chat text as the real server for the same messages,
// concurrent streaming calls batched together with each equal to its solo output, and the DI registration.
using System.ClientModel;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using Strata.Engine;
using Strata.Engine.Batching;

namespace Strata.Serving.Tests;

public sealed class StrataChatClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 24 };

    [Fact]
    public async Task GetResponse_SameMessages_EqualsTheServersGreedyChatText()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.System, "You tell short stories."),
            new(ChatRole.User, "Once upon a time, there was a little dog"),
        ];
        IChatClient server = new OpenAI.Chat.ChatClient(ServerFixture.Model, new ApiKeyCredential(ServerFixture.KeyA),
            new OpenAIClientOptions { Endpoint = new Uri(fixture.BaseUri, "/v1") }).AsIChatClient();
        var expected = await server.GetResponseAsync(messages, Greedy);

        using var client = new StrataChatClient(ServerFixture.ModelPath, new StrataChatClientOptions { Threads = 2 });
        var response = await client.GetResponseAsync(messages, Greedy);
        Assert.Equal(expected.Text, response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(expected.Usage?.InputTokenCount, response.Usage?.InputTokenCount);
        Assert.Equal(24, response.Usage?.OutputTokenCount);
        Assert.Equal("max_tokens", response.AdditionalProperties?["strata_stop_reason"]);
    }

    [Fact]
    public async Task GetResponse_JsonSchemaResponseFormat_ReturnsJsonThatFollowsTheSchema()
    {
        using var schema = JsonDocument.Parse(
            "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},\"required\":[\"name\",\"age\"]}");
        using var client = new StrataChatClient(ServerFixture.ModelPath, new StrataChatClientOptions { Threads = 2 });

        var response = await client.GetResponseAsync([new(ChatRole.User, "Tell me about a dog")],
            new ChatOptions { Temperature = 0, MaxOutputTokens = 200, ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement) });
        var objectOnly = await client.GetResponseAsync([new(ChatRole.User, "Tell me about a dog")],
            new ChatOptions { Temperature = 0.7f, Seed = 3, MaxOutputTokens = 300, ResponseFormat = ChatResponseFormat.Json });

        using var json = JsonDocument.Parse(response.Text);
        Assert.InRange(json.RootElement.GetProperty("age").GetInt32(), 0, 120);
        Assert.True(json.RootElement.GetProperty("name").GetString()!.Length <= 8);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("grammar_complete", response.AdditionalProperties?["strata_stop_reason"]);
        Assert.StartsWith("{", objectOnly.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponse_EightConcurrentCalls_ShareBatchesAndEachEqualsItsSoloOutput()
    {
        using var client = new StrataChatClient(ServerFixture.ModelPath, new StrataChatClientOptions { Threads = 2, MaxConcurrent = 8 });
        var prompts = new string[8];
        var solo = new string[8];
        for (int i = 0; i < prompts.Length; i++)
        {
            prompts[i] = $"Tell me about the {i + 1} little birds";
            solo[i] = (await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompts[i])], Greedy)).Text;
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new Task<(string Text, SharedPass[] Passes)>[prompts.Length];
        for (int i = 0; i < prompts.Length; i++)
        {
            string prompt = prompts[i];
            calls[i] = Task.Run(async () =>
            {
                await start.Task;
                var text = new StringBuilder();
                SharedPass[] passes = [];
                await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)], Greedy))
                {
                    text.Append(update.Text);
                    passes = update.AdditionalProperties?["strata_passes"] as SharedPass[] ?? passes;
                }

                return (text.ToString(), passes);
            });
        }

        start.SetResult();
        var results = await Task.WhenAll(calls);
        int mostShared = 0;
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(solo[i], results[i].Text);
            foreach (var pass in results[i].Passes)
            {
                mostShared = Math.Max(mostShared, pass.Sequences);
            }
        }

        Assert.True(mostShared >= 4, $"the calls never shared a pass of more than {mostShared} sequences");
    }

    [Fact]
    public async Task AddStrataChatClient_ResolvesTheClient_AndCancellationEndsTheCall()
    {
        var services = new ServiceCollection().AddStrataChatClient(ServerFixture.ModelPath, new StrataChatClientOptions { Threads = 2 });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();
        Assert.IsType<StrataChatClient>(client);
        Assert.Equal("strata", client.GetService<ChatClientMetadata>()?.ProviderName);

        // The stream throws at the first update after the cancellation (tokens the loop made meanwhile are not shown), and
        // the client still serves the next call. That the loop ends a cancelled sequence before its next pass is shown by
        // GenerationLoopTests.Cancel_DuringATokenStep_EndsBeforeTheNextPassWithTheTokensSoFar.
        using var cancel = new CancellationTokenSource();
        int updates = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")],
                               new ChatOptions { Temperature = 0, MaxOutputTokens = 400 }, cancel.Token))
            {
                if (++updates == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.Equal(3, updates);
        var after = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")], Greedy);
        Assert.Equal(24, after.Usage?.OutputTokenCount); // the slot and blocks came back
    }
}
