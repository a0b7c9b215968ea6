// The scheduler's promises, read from the evidence: long prompts go in chunks beside running streams; preemption recomputes without changing outputs.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Engine.Tests;

namespace Strata.Serving.Tests;

public sealed class SchedulingTests
{
    private static Task<JsonElement> Evidence(HttpClient http, HttpResponseMessage reply) => ServerCalls.ServingEvidence(http, reply);

    private static HttpClient Client(StrataServer server) => ServerCalls.Client(server);

    [Fact]
    public async Task LongPrompt_IsComputedInChunks_WhileARunningStreamGetsATokenEveryPass()
    {
        var config = ServerFixture.Config();
        // A random-weight model: its stream never ends early (a trained model may reach end-of-text before the long
        // prompt is done).
        await using var server = await StrataServer.StartAsync(
            [new ModelConfig { Name = "q8", Path = SharedModels.File("synth/ci-d256-l4-q8_0.gguf") }], "127.0.0.1", 0,
            new ServerConfig { Tenants = config.Tenants, Threads = 2, MaxRunning = 4, BatchTokens = 32, Context = 4096 });
        using var http = Client(server);
        // A stream of 2000 tokens is running (its first chunk has arrived) when the long prompt comes.
        using var streamRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { prompt = "Once upon a time", max_tokens = 2000, temperature = 0, stream = true }),
        };
        using var first = await http.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await first.Content.ReadAsStreamAsync());
        while ((await reader.ReadLineAsync())?.StartsWith("data: ", StringComparison.Ordinal) != true)
        {
        }

        string longPrompt = string.Concat(Enumerable.Repeat("Lily and Tom played in the park with a big red ball. ", 20));
        var reply = await http.PostAsJsonAsync("/v1/completions", new { prompt = longPrompt, max_tokens = 4, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var chunked = await Evidence(http, reply);
        await reader.ReadToEndAsync();
        var stream = await Evidence(http, first);

        int promptTokens = chunked.GetProperty("prompt_tokens").GetInt32();
        Assert.True(promptTokens > 200, $"prompt of {promptTokens} tokens is too short for the test");
        var prefillPasses = chunked.GetProperty("batches").EnumerateArray().Take((promptTokens / 32) + 1).ToList();
        Assert.All(prefillPasses, b => Assert.True(b.GetProperty("rows").GetInt32() <= 32));

        // Every pass of the long prompt's prefill that overlaps the stream's life holds the stream's decode row too.
        var streamPasses = stream.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("id").GetInt64()).ToHashSet();
        long lastStreamPass = streamPasses.Max();
        var shared = prefillPasses.Where(b => b.GetProperty("id").GetInt64() < lastStreamPass).ToList();
        Assert.True(shared.Count >= 3, "the long prompt's prefill should overlap the stream");
        Assert.All(shared, b => Assert.Contains(b.GetProperty("id").GetInt64(), streamPasses));
        Assert.All(shared, b => Assert.True(b.GetProperty("sequences").GetInt32() >= 2));
    }

    [Fact]
    public async Task KvPoolTooSmallForAll_PreemptsAndRecomputes_OutputsUnchanged()
    {
        var config = ServerFixture.Config();
        await using var server = await StrataServer.StartAsync(
            [new ModelConfig { Name = ServerFixture.Model, Path = ServerFixture.ModelPath }], "127.0.0.1", 0,
            new ServerConfig { Tenants = config.Tenants, Threads = 2, MaxRunning = 6, KvBudgetMib = 1 }); // 51 blocks of 16
        using var http = Client(server);
        string[] prompts = ["Once upon a time", "The little dog", "Tom and Sue", "A big tree", "One sunny day", "The cat"];
        var replies = await Task.WhenAll(prompts.Select(p =>
            http.PostAsJsonAsync("/v1/completions", new { prompt = p, max_tokens = 180, temperature = 0 })));
        int preemptions = 0;
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, replies[i].StatusCode);
            using var doc = JsonDocument.Parse(await replies[i].Content.ReadAsStringAsync());
            Assert.Equal(ServerFixture.Generate(prompts[i], 180), doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
            preemptions += (await Evidence(http, replies[i])).GetProperty("preemptions").GetInt32();
        }

        Assert.True(preemptions > 0, "six sequences of ~185 positions (12 blocks each) cannot all fit in 51 blocks");
    }

    [Fact]
    public async Task FastNumerics_Q8_0_GreedyOutputsUnderLoad_EqualTheEngineAloneExactly()
    {
        string model = SharedModels.File("synth/ci-d256-l4-q8_0.gguf");
        var config = ServerFixture.Config();
        await using var server = await StrataServer.StartAsync([new ModelConfig { Name = "q8", Path = model }], "127.0.0.1", 0,
            new ServerConfig { Tenants = config.Tenants, Threads = 2, MaxRunning = 8, Numerics = "fast", Context = 256 });
        using var http = Client(server);
        string[] prompts = ["Once upon a time", "The capital of France is", "One two three", "A cat", "Rain falls on", "Seven"];
        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            http.PostAsJsonAsync("/v1/completions", new { prompt = prompts[i % prompts.Length], max_tokens = 40, temperature = 0 })));
        await AssertEngineAloneGives(replies, prompts, model, new Engine.Runtime.EngineOptions(Threads: 2, ContextTokens: 256,
            Mode: Kernels.NumericMode.QuantizedActivations, BatchInvariant: true));
    }

    /// <summary>Each reply (to prompts[i % prompts.Length], 40 greedy tokens) is a 200 whose text the engine alone gives.</summary>
    private static async Task AssertEngineAloneGives(HttpResponseMessage[] replies, string[] prompts, string model, Engine.Runtime.EngineOptions options)
    {
        using var runtime = Engine.Runtime.ModelRuntime.Load(model, null, options);
        for (int i = 0; i < replies.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, replies[i].StatusCode);
            using var doc = JsonDocument.Parse(await replies[i].Content.ReadAsStringAsync());
            using var session = new Engine.Generation.GenerationSession(runtime, new Engine.Generation.GenerationRequest(
                prompts[i % prompts.Length], 40, new Engine.Sampling.SamplerOptions { Temperature = 0 }));
            Assert.Equal(session.Run().Text, doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task ExactNumerics_Q4_K_M_GreedyOutputsUnderLoad_EqualTheEngineAloneExactly()
    {
        // Exact numerics (the default) with K-quant, Q6_K and Q4_0 matrices: batch invariance by construction, not by luck.
        string model = SharedModels.File("synth/ci-d256-l4-q4_k_m.gguf");
        var config = ServerFixture.Config();
        await using var server = await StrataServer.StartAsync([new ModelConfig { Name = "q4km", Path = model }], "127.0.0.1", 0,
            new ServerConfig { Tenants = config.Tenants, Threads = 2, MaxRunning = 8, Context = 256 });
        using var http = Client(server);
        string[] prompts = ["Once upon a time", "The capital of France is", "One two three", "A cat", "Rain falls on", "Seven"];
        object Body(int i) => new { prompt = prompts[i % prompts.Length], max_tokens = 40, temperature = 0, logprobs = 1 };

        // Each prompt alone first: the log-probabilities, printed to the last bit of a float, show any rounding change.
        var alone = new string[prompts.Length];
        for (int i = 0; i < prompts.Length; i++)
        {
            var reply = await http.PostAsJsonAsync("/v1/completions", Body(i));
            using var doc = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
            alone[i] = doc.RootElement.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("token_logprobs").GetRawText();
        }

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => http.PostAsJsonAsync("/v1/completions", Body(i))));
        using var runtime = Engine.Runtime.ModelRuntime.Load(model, null, new Engine.Runtime.EngineOptions(Threads: 2, ContextTokens: 256,
            BatchInvariant: true));
        int widest = 0;
        for (int i = 0; i < replies.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, replies[i].StatusCode);
            using var doc = JsonDocument.Parse(await replies[i].Content.ReadAsStringAsync());
            using var session = new Engine.Generation.GenerationSession(runtime, new Engine.Generation.GenerationRequest(
                prompts[i % prompts.Length], 40, new Engine.Sampling.SamplerOptions { Temperature = 0 }));
            var choice = doc.RootElement.GetProperty("choices")[0];
            Assert.Equal(session.Run().Text, choice.GetProperty("text").GetString());
            Assert.Equal(alone[i % prompts.Length], choice.GetProperty("logprobs").GetProperty("token_logprobs").GetRawText());
            foreach (var b in (await Evidence(http, replies[i])).GetProperty("batches").EnumerateArray())
            {
                widest = Math.Max(widest, b.GetProperty("sequences").GetInt32());
            }
        }

        Assert.True(widest >= 4, $"the requests should have run batched; the widest pass held {widest} sequences");
    }

    [Fact]
    public async Task F16KvCache_HoldsTwiceTheBlocksOfABudget_AndServesTheEngineAlonesOutputsUnderLoad()
    {
        string model = SharedModels.File("synth/ci-d256-l4-q8_0.gguf");
        var f32 = StrataServer.EngineOptionsFor(model, new ServerConfig { KvBudgetMib = 4, Context = 256 });
        var f16 = StrataServer.EngineOptionsFor(model, new ServerConfig { KvBudgetMib = 4, Context = 256, KvType = "f16" });
        Assert.Equal(Kernels.GgmlType.F16, f16.KvType);
        Assert.Equal(2 * f32.KvBlocks, f16.KvBlocks);

        var config = ServerFixture.Config();
        await using var server = await StrataServer.StartAsync([new ModelConfig { Name = "q8", Path = model }], "127.0.0.1", 0,
            new ServerConfig { Tenants = config.Tenants, Threads = 2, MaxRunning = 8, Numerics = "fast", Context = 256, KvType = "f16" });
        using var http = Client(server);
        string[] prompts = ["Once upon a time", "The capital of France is", "One two three", "A cat"];
        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            http.PostAsJsonAsync("/v1/completions", new { prompt = prompts[i % prompts.Length], max_tokens = 40, temperature = 0 })));
        await AssertEngineAloneGives(replies, prompts, model, new Engine.Runtime.EngineOptions(Threads: 2, ContextTokens: 256,
            Mode: Kernels.NumericMode.QuantizedActivations, BatchInvariant: true, KvType: Kernels.GgmlType.F16));
        foreach (var reply in replies)
        {
            Assert.Equal("f16", (await Evidence(http, reply)).GetProperty("kv_type").GetString());
        }
    }
}
