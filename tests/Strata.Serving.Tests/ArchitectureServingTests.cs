// Every architecture, quantized Q8_0 and Q4_K_M, through a real server: batched greedy output, prefix-cache hits included, equals each request alone.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Engine.Synthesis;

namespace Strata.Serving.Tests;

public sealed class ArchitectureServingTests
{
    // Small shapes of each family (vocab 2048, so a prompt of ids is cheap); d and ffn are multiples of 256 so Q4_K_M keeps
    // its K-quants. Gemma's window of 8 is shorter than prompt + output, so local layers do slide.
    public static TheoryData<string, string, string, string> Cases()
    {
        var shapes = new (string Arch, string Shape)[]
        {
            ("llama", "d=256,layers=2,heads=4,kv-heads=2,ffn=512,vocab=2048,rope-scaling=llama3"),
            ("qwen2", "d=256,layers=2,heads=4,kv-heads=2,ffn=512,vocab=2048"),
            ("qwen3", "d=256,layers=2,heads=4,kv-heads=2,head-dim=128,ffn=512,vocab=2048"),
            ("gemma2", "d=256,layers=2,heads=4,kv-heads=2,ffn=512,vocab=2048,window=8"),
            ("gemma3", "d=256,layers=3,heads=4,kv-heads=1,head-dim=64,ffn=512,vocab=2048,window=8,swa-pattern=3"),
            ("phi3", "d=256,layers=2,heads=4,kv-heads=4,ffn=512,vocab=2048,long-rope=1"),
            ("qwen3moe", "d=256,layers=2,heads=4,kv-heads=2,ffn=512,vocab=2048,experts=8,experts-used=2,expert-ffn=256"),
        };
        var data = new TheoryData<string, string, string, string>();
        foreach (var (arch, shape) in shapes)
        {
            data.Add(arch, shape, "q8_0", "fast");
            data.Add(arch, shape, "q4_k_m", "exact");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task QuantizedModel_BatchedGreedyOutputs_EqualEachRequestAlone(string arch, string shape, string quant, string numerics)
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-arch-{arch}-{quant}-{Guid.NewGuid():N}.gguf");
        try
        {
            SyntheticModel.Write(new SynthOptions(ModelShape.Parse(shape, arch), QuantRecipe.Parse(quant), 11), path);
            var config = ServerFixture.Config();
            await using var server = await StrataServer.StartAsync([new ModelConfig { Name = arch, Path = path }], "127.0.0.1", 0,
                new ServerConfig { Tenants = config.Tenants, Threads = 2, MaxRunning = 8, Context = 256, Numerics = numerics });
            using var http = ServerCalls.Client(server);
            // The last prompt spans several KV blocks: its repeats find them in the prefix cache (Gemma's local layers included).
            int[][] prompts = [[1, 15, 300, 42, 77, 1000], [1, 900, 901, 902], [1, 5, 6, 7, 8, 9, 10, 11, 12, 13], [1, 2000],
                [1, .. Enumerable.Range(400, 47)]];
            object Body(int i) => new { prompt = prompts[i % prompts.Length], max_tokens = 24, temperature = 0, logprobs = 1 };

            var alone = new string[prompts.Length];
            for (int i = 0; i < prompts.Length; i++)
            {
                alone[i] = TokenLogprobs(await Read(await http.PostAsJsonAsync("/v1/completions", Body(i))));
            }

            var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => http.PostAsJsonAsync("/v1/completions", Body(i))));
            int widest = 0, cachedBlocks = 0;
            for (int i = 0; i < replies.Length; i++)
            {
                Assert.Equal(alone[i % prompts.Length], TokenLogprobs(await Read(replies[i])));
                var serving = await ServerCalls.ServingEvidence(http, replies[i]);
                cachedBlocks += serving.GetProperty("prefix_cache_hit_blocks").GetInt32();
                foreach (var b in serving.GetProperty("batches").EnumerateArray())
                {
                    widest = Math.Max(widest, b.GetProperty("sequences").GetInt32());
                }
            }

            Assert.True(widest >= 4, $"{arch} {quant}: the requests should have run batched; the widest pass held {widest} sequences");
            Assert.True(cachedBlocks > 0, $"{arch} {quant}: the long prompt's repeats should have found its blocks in the prefix cache");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<JsonElement> Read(HttpResponseMessage reply)
    {
        string body = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.StatusCode == HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    // The chosen tokens' log-probabilities printed to the last bit of a float: any change of rounding under batching shows.
    private static string TokenLogprobs(JsonElement reply)
    {
        var choice = reply.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        return choice.GetProperty("logprobs").GetProperty("token_logprobs").GetRawText();
    }
}
