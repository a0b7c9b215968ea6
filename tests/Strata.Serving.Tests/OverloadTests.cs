// Overload, disconnects and deadlines on a small server: every request ends complete or with a 429, and blocks come back.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Strata.Serving.Tests;

public sealed partial class OverloadTests : IAsyncLifetime, IDisposable
{
    private StrataServer? _server;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await StrataServer.StartAsync([new ModelConfig { Name = ServerFixture.Model, Path = ServerFixture.ModelPath }], "127.0.0.1", 0,
            ServerFixture.Config(queue: 8, running: 4));
        _http = new HttpClient { BaseAddress = new Uri(_server.Urls[0]), Timeout = TimeSpan.FromSeconds(120) };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServerFixture.KeyA);
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ManyMoreRequestsThanTheQueue_EndCompleteOr429_NoServerErrors()
    {
        string expected = ServerFixture.Generate("Once upon a time", 120);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            var reply = await _http.PostAsJsonAsync("/v1/completions", new { prompt = "Once upon a time", max_tokens = 120, temperature = 0 });
            string body = await reply.Content.ReadAsStringAsync();
            if (reply.StatusCode == HttpStatusCode.OK)
            {
                using var doc = JsonDocument.Parse(body);
                Assert.Equal(expected, doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, reply.StatusCode);
                Assert.True(reply.Headers.RetryAfter?.Delta > TimeSpan.Zero);
                Assert.Contains("queue_full", body, StringComparison.Ordinal);
            }

            return reply.StatusCode;
        }));
        int ok = outcomes.Count(s => s == HttpStatusCode.OK);
        Assert.True(ok >= 8, $"only {ok} of 64 completed; the queue alone takes 8");
        Assert.Contains(HttpStatusCode.TooManyRequests, outcomes);
        await WaitForIdleBlocks();
    }

    [Fact]
    public async Task DeadlinePassed_EndsTheRequestWithAClearReason()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { prompt = "Once upon a time", max_tokens = 480, temperature = 0 }),
        };
        request.Headers.Add("X-Strata-Deadline-Ms", "1"); // passes at the first pass or two: before any end of text
        var reply = await _http.SendAsync(request);
        string body = await reply.Content.ReadAsStringAsync();
        if (reply.StatusCode == HttpStatusCode.OK)
        {
            Assert.Contains("\"strata_stop_reason\":\"deadline\"", body, StringComparison.Ordinal);
            Assert.Contains("\"finish_reason\":\"length\"", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, reply.StatusCode);
            Assert.Contains("deadline_exceeded", body, StringComparison.Ordinal);
        }

        await WaitForIdleBlocks();
    }

    private Task<int> UsedBlocks() => UsedBlocks(_http);

    private Task WaitForIdleBlocks() => WaitForIdleBlocks(_http);

    private static async Task<int> UsedBlocks(HttpClient http)
    {
        string metrics = await http.GetStringAsync("/metrics");
        var match = UsedBlocksLine().Match(metrics);
        Assert.True(match.Success, "strata_kv_blocks_used is not in /metrics");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitForIdleBlocks(HttpClient http)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        int used;
        while ((used = await UsedBlocks(http)) != 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, used);
    }

    [GeneratedRegex(@"^strata_kv_blocks_used(?:\{[^}]*\})? (\d+)", RegexOptions.Multiline)]
    private static partial Regex UsedBlocksLine();
}
