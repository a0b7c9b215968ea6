// The OpenAI .NET SDK's tool flow against the real server (request with tools → tool_calls → tool result → final answer),
// streaming and not, and Microsoft.Extensions.AI's UseFunctionInvocation over the in-process client. stories260K has no
// chat template of its own, so its calls are the generic JSON format held by a grammar: they always parse.
using System.ClientModel;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Strata.Engine;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Strata.Serving.Tests;

public sealed class ToolCallFlowTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "The weather in a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string","maxLength":12}},"required":["city"],"additionalProperties":false}"""));

    private ChatClient Sdk() => new(ServerFixture.Model, new ApiKeyCredential(ServerFixture.KeyA),
        new OpenAIClientOptions { Endpoint = new Uri(fixture.BaseUri, "/v1") });

    private static ChatCompletionOptions Options(ChatToolChoice choice, int seed = 0)
    {
        // stories260K writes about a character per token: one call at a time fits the token budget.
        var options = new ChatCompletionOptions
        {
            Temperature = seed == 0 ? 0 : 0.9f,
            MaxOutputTokenCount = 160,
            ToolChoice = choice,
            AllowParallelToolCalls = false,
        };
#pragma warning disable OPENAI001 // Seed is marked for evaluation in the SDK
        options.Seed = seed == 0 ? null : seed;
#pragma warning restore OPENAI001
        options.Tools.Add(Weather);
        return options;
    }

    private static string City(string argumentsJson)
    {
        using var doc = JsonDocument.Parse(argumentsJson);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        Assert.Single(doc.RootElement.EnumerateObject());
        string city = doc.RootElement.GetProperty("city").GetString()!;
        Assert.True(city.Length <= 12, $"city '{city}' is longer than the schema's maxLength");
        return city;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(11)]
    public async Task Sdk_RequiredToolCall_ThenToolResult_ThenFinalAnswer(int seed)
    {
        List<OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("What is the weather in Paris?")];
        var first = (await Sdk().CompleteChatAsync(messages, Options(ChatToolChoice.CreateRequiredChoice(), seed))).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.NotEmpty(first.ToolCalls);
        foreach (var call in first.ToolCalls)
        {
            Assert.Equal("get_weather", call.FunctionName);
            Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
            City(call.FunctionArguments.ToString());
        }

        messages.Add(new AssistantChatMessage(first.ToolCalls));
        foreach (var call in first.ToolCalls)
        {
            messages.Add(new ToolChatMessage(call.Id, "12 degrees and rain"));
        }

        var final = (await Sdk().CompleteChatAsync(messages, Options(ChatToolChoice.CreateNoneChoice(), seed))).Value;
        Assert.Empty(final.ToolCalls);
        Assert.False(string.IsNullOrEmpty(final.Content[0].Text));
        Assert.Contains(final.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
    }

    [Fact]
    public async Task Sdk_StreamedToolCalls_EqualTheWholeResponse()
    {
        List<OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("Weather in Rome?")];
        var options = Options(ChatToolChoice.CreateFunctionChoice("get_weather"));
        var whole = (await Sdk().CompleteChatAsync(messages, options)).Value;

        var names = new Dictionary<int, string>();
        var arguments = new Dictionary<int, StringBuilder>();
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk().CompleteChatStreamingAsync(messages, options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                if (part.FunctionName is not null)
                {
                    names[part.Index] = part.FunctionName;
                }

                if (!arguments.TryGetValue(part.Index, out var text))
                {
                    arguments[part.Index] = text = new StringBuilder();
                }

                text.Append(part.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(whole.ToolCalls.Count, names.Count);
        for (int i = 0; i < whole.ToolCalls.Count; i++)
        {
            Assert.Equal(whole.ToolCalls[i].FunctionName, names[i]);
            Assert.Equal(whole.ToolCalls[i].FunctionArguments.ToString(), arguments[i].ToString());
        }
    }

    [Fact]
    public async Task Sdk_AutoToolChoice_AnswersWithTextOrAValidCall()
    {
        for (int seed = 1; seed <= 6; seed++)
        {
            var options = Options(ChatToolChoice.CreateAutoChoice(), seed);
            options.MaxOutputTokenCount = 120; // the auto format's longer instructions leave less of the 512-token context
            var reply = (await Sdk().CompleteChatAsync([new UserChatMessage("Is it cold in Oslo?")], options)).Value;
            if (reply.FinishReason == ChatFinishReason.ToolCalls)
            {
                Assert.All(reply.ToolCalls, c => City(c.FunctionArguments.ToString()));
            }
            else
            {
                Assert.Empty(reply.ToolCalls);
                Assert.NotNull(reply.Content[0].Text);
            }
        }
    }

    [Fact]
    public async Task UseFunctionInvocation_InProcess_CallsTheFunctionAndAnswers()
    {
        var weather = new WeatherFunction();
        // llama-2-tiny-random: Llama 2's 32000-token vocabulary and a 4096-token context hold the whole tool loop.
        using var inner = new StrataChatClient(Strata.Engine.Tests.SharedModels.File("llama-2-tiny-random.gguf"), new StrataChatClientOptions { Threads = 2 });
        using IChatClient client = new ChatClientBuilder(inner).UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 3).Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What is the weather in Paris?")], new ChatOptions
        {
            Temperature = 0,
            MaxOutputTokens = 160,
            AllowMultipleToolCalls = false,
            Tools = [weather],
            ToolMode = ChatToolMode.RequireAny,
        });

        Assert.NotEmpty(weather.Cities);
        Assert.All(weather.Cities, c => Assert.True(c.Length <= 12, c));
        Assert.Contains(response.Messages, m => m.Contents.Any(c => c is FunctionResultContent r && (r.Result?.ToString() ?? "").Contains("12 degrees")));
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
    }

    // A function whose schema bounds the city's length: a model that knows nothing ends its strings only when made to.
    private sealed class WeatherFunction : AIFunction
    {
        private static readonly JsonElement Schema = JsonDocument.Parse(
            """{"type":"object","properties":{"city":{"type":"string","maxLength":12}},"required":["city"],"additionalProperties":false}""").RootElement.Clone();

        public List<string> Cities { get; } = [];

        public override string Name => "get_weather";

        public override string Description => "The weather in a city";

        public override JsonElement JsonSchema => Schema;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            lock (Cities)
            {
                Cities.Add(arguments["city"]?.ToString() ?? string.Empty);
            }

            return ValueTask.FromResult<object?>("12 degrees and rain");
        }
    }
}
