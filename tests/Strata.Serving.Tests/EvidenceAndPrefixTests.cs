// Request evidence by trace id for its own tenant only; a shared prefix is computed once per tenant and never crosses tenants.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Serving.Tests;

public sealed class EvidenceAndPrefixTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string LongPrompt =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends. "
        + "One day, she saw a big red ball under a tree. She wanted to play with it, but it was too high for her to reach. "
        + "Lily asked her mom for help and her mom";

    private static async Task<(string Text, JsonElement Serving, JsonElement Record)> Complete(HttpClient http, string prompt)
    {
        var reply = await http.PostAsJsonAsync("/v1/completions", new { prompt, max_tokens = 12, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        string traceId = reply.Headers.GetValues("X-Strata-Trace-Id").Single();
        using var doc = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
        string text = doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
        var evidence = await http.GetAsync($"/v1/strata/evidence/{traceId}");
        Assert.Equal(HttpStatusCode.OK, evidence.StatusCode);
        using var record = JsonDocument.Parse(await evidence.Content.ReadAsStringAsync());
        Assert.Equal(traceId, record.RootElement.GetProperty("trace_id").GetString());
        return (text, record.RootElement.GetProperty("serving").Clone(), record.RootElement.Clone());
    }

    [Fact]
    public async Task SharedPrefix_IsComputedOncePerTenant_AndNeverAcrossTenants()
    {
        using var alpha = fixture.Client(ServerFixture.KeyA);
        using var beta = fixture.Client(ServerFixture.KeyB);
        string prompt = LongPrompt + " " + Guid.NewGuid().ToString("N")[..6]; // unique tail; the blocks before it repeat
        var first = await Complete(alpha, prompt);
        var second = await Complete(alpha, prompt);
        var other = await Complete(beta, prompt);

        int promptTokens = first.Serving.GetProperty("prompt_tokens").GetInt32();
        int reusable = (promptTokens - 1) / 16;
        Assert.True(reusable >= 3, $"prompt of {promptTokens} tokens is too short for the test");
        Assert.Equal(reusable, second.Serving.GetProperty("prefix_cache_hit_blocks").GetInt32());
        Assert.Equal(0, other.Serving.GetProperty("prefix_cache_hit_blocks").GetInt32());
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Text, other.Text);
        Assert.Equal("alpha", second.Serving.GetProperty("tenant").GetString());
        Assert.Equal("beta", other.Serving.GetProperty("tenant").GetString());

        // The metrics count the hits too.
        string metrics = await alpha.GetStringAsync("/metrics");
        Assert.Matches(@"strata_prefix_cache_hit_blocks(_total)?(\{[^}]*\})? [1-9]", metrics);
    }

    [Fact]
    public async Task Evidence_HoldsRouteQueueBatchesLatencies_AndIsHiddenFromOtherTenants()
    {
        using var alpha = fixture.Client(ServerFixture.KeyA);
        using var beta = fixture.Client(ServerFixture.KeyB);
        var reply = await alpha.PostAsJsonAsync("/v1/completions", new { prompt = "Once upon a time", max_tokens = 8, temperature = 0 });
        string traceId = reply.Headers.GetValues("X-Strata-Trace-Id").Single();
        var mine = await alpha.GetAsync($"/v1/strata/evidence/{traceId}");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        using var doc = JsonDocument.Parse(await mine.Content.ReadAsStringAsync());
        var serving = doc.RootElement.GetProperty("serving");
        Assert.Equal(ServerFixture.Model, serving.GetProperty("model").GetString());
        Assert.Equal(64, serving.GetProperty("model_version").GetString()!.Length);
        Assert.False(string.IsNullOrEmpty(serving.GetProperty("executable_hash").GetString()));
        Assert.True(serving.GetProperty("queue_ms").GetDouble() >= 0);
        Assert.True(serving.GetProperty("ttft_ms").GetDouble() > 0);
        Assert.True(serving.GetProperty("itl_mean_ms").GetDouble() > 0);
        Assert.Equal("max_tokens", serving.GetProperty("stop_reason").GetString());
        Assert.Equal("length", serving.GetProperty("finish_reason").GetString());
        var batches = serving.GetProperty("batches");
        Assert.True(batches.GetArrayLength() >= 8, "one prefill pass and a decode pass per token after the first");
        Assert.True(batches[0].GetProperty("rows").GetInt32() >= serving.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(8, doc.RootElement.GetProperty("engine").GetProperty("generated_token_count").GetInt32());

        var theirs = await beta.GetAsync($"/v1/strata/evidence/{traceId}");
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
    }

    [Fact]
    public async Task Health_LiveReadyAndMetrics_Answer()
    {
        using var http = fixture.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        string metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("strata_kv_blocks_total", metrics, StringComparison.Ordinal);
    }
}
