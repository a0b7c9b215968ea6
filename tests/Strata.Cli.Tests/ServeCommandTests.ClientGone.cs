// The real `strata serve` ends the requests of clients that reset their connection mid-generation and frees their blocks.
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Strata.Cli.Tests;

public sealed partial class ServeCommandTests
{
    private const string GeneratedTokens = "strata_generated_tokens_total";

    // Liveness bounds only: how long a server sharing a loaded machine may take to admit a request, or may go without
    // generating a token while a request it has not ended is waited for.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Serve_ClientsThatCloseTheirConnection_EndTheirRequestsAndFreeTheirBlocks()
    {
        // On this random-weight model the greedy text of this prompt runs 8000 tokens without an end of text (checked
        // with `strata generate -n 8000 --ctx 8192 --temperature 0`: 9.6 s on a quiet 2-core machine). Whether the client
        // leaves before the server reaches them is a race the test does not control (a loaded machine can delay the test
        // for seconds while the server keeps generating), so a request that reached max_tokens first shows nothing either
        // way and its mode is tried again; a request whose client left first must end with client_gone and its blocks back.
        var (process, url) = await StartServe("--model", "q8=" + StrataProcess.Shared("synth/ci-d256-l4-q8_0.gguf"), "--ctx", "8192");
        try
        {
            var uri = new Uri(url);
            using var http = new HttpClient { BaseAddress = uri, Timeout = Patience };
            foreach (bool stream in new[] { true, false })
            {
                var outcomes = new List<string>();
                while (outcomes.Count < 5 && (outcomes.Count == 0 || outcomes[^1] == "max_tokens"))
                {
                    outcomes.Add(await ResetDuringGeneration(http, uri, stream));
                }

                Assert.True(outcomes[^1] == "client_gone", $"stream={stream}: the requests ended with {string.Join(", ", outcomes)}");
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Sends a long greedy completion on a raw socket, resets the connection once the request runs, waits until the
    /// server has ended it with its KV blocks back, and returns its stop reason ("client_gone", or "max_tokens" when the
    /// server finished before the reset).
    /// </summary>
    private static async Task<string> ResetDuringGeneration(HttpClient http, Uri uri, bool stream)
    {
        // The previous request's blocks must be back first: otherwise "blocks in use" below could be its blocks, and this
        // request's socket would be reset before the server had even read the request.
        string metrics = await WaitForMetrics(http, m => Metric(m, "strata_kv_blocks_used") == 0, "the previous request's blocks to come back");
        int goneBefore = Ended(metrics, "client_gone");
        int finishedBefore = Ended(metrics, "max_tokens");
        string body = System.Text.Json.JsonSerializer.Serialize(new { prompt = "The quick brown fox", max_tokens = 8000, temperature = 0, stream });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(uri.Host, uri.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/completions HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
        if (stream)
        {
            // The first event proves the request runs: no metrics round trips between it and the reset.
            await ReadUntil(socket, "data: ");
        }
        else
        {
            await WaitForMetrics(http, m => Metric(m, "strata_kv_blocks_used") > 0 || Ended(m, "max_tokens") > finishedBefore, "the request to start");
        }

        // The client is gone. shutdown() first: a bare Close() of a .NET socket that the runtime still holds may defer the
        // close() call itself, and then the server never hears of it. Close(0) then resets, as when a process dies.
        socket.Shutdown(SocketShutdown.Both);
        socket.Close(0);
        // Either end comes after at most 8000 tokens, so the wait is bounded by the server's progress, not by the clock: a
        // loaded machine may slow the generation (once 3000 tokens took over 2 minutes), and the wait gives up only when
        // the server generates nothing for Patience.
        metrics = await WaitForMetrics(http,
            m => Metric(m, "strata_kv_blocks_used") == 0 && Ended(m, "client_gone") + Ended(m, "max_tokens") > goneBefore + finishedBefore,
            "the request to end and free its blocks", progress: m => Metric(m, GeneratedTokens));
        return Ended(metrics, "client_gone") > goneBefore ? "client_gone" : "max_tokens";
    }

    private static async Task ReadUntil(Socket socket, string marker)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var limit = new CancellationTokenSource(Patience);
        while (seen.ToString().IndexOf(marker, StringComparison.Ordinal) < 0)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            Assert.True(n > 0, $"the server closed the stream before '{marker}'; it sent: {seen}");
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    // Polls /metrics (the server is another process: there is no event to wait on) until the condition holds. Gives up
    // after Patience without the condition, or, where progress is given, after Patience in which its value did not change.
    private static async Task<string> WaitForMetrics(HttpClient http, Func<string, bool> condition, string what, Func<string, int>? progress = null)
    {
        var until = DateTime.UtcNow + Patience;
        int? seen = null;
        while (true)
        {
            string metrics = await http.GetStringAsync("/metrics");
            if (condition(metrics))
            {
                return metrics;
            }

            if (progress?.Invoke(metrics) is int now && now != seen)
            {
                seen = now;
                until = DateTime.UtcNow + Patience;
            }

            string requests = string.Join(" | ", Regex.Matches(metrics, "^strata_requests_total.*$", RegexOptions.Multiline).Select(m => m.Value));
            Assert.True(DateTime.UtcNow < until,
                $"waited {Patience.TotalSeconds:F0} s{(progress is null ? string.Empty : " without a generated token")} for {what}; "
                + $"blocks used {Metric(metrics, "strata_kv_blocks_used")}; tokens generated {Metric(metrics, GeneratedTokens)}; requests: {requests}");
            await Task.Delay(10);
        }
    }

    /// <summary>Requests ended with <paramref name="stopReason"/>, over every label set.</summary>
    private static int Ended(string metrics, string stopReason)
    {
        int total = 0;
        foreach (Match m in Regex.Matches(metrics, "^strata_requests_total\\{[^}]*stop_reason=\"" + stopReason + "\"[^}]*\\} (\\d+)", RegexOptions.Multiline))
        {
            total += int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        return total;
    }
}
