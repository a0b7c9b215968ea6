// The real `strata serve` process configured the ASP.NET Core way: environment variables over the JSON file, the JSON
// console formatter for the request log, OTEL_SERVICE_NAME's default, and per-model metrics.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Strata.Cli.Tests;

public sealed partial class ServeConventionsTests
{
    private const string Secret = "zebracornflower"; // a word of the prompt that must never reach the log

    [Fact]
    public async Task Serve_EnvironmentOverridesConfig_AndLogsOneJsonLinePerRequestWithoutPromptText()
    {
        string config = Path.Combine(Path.GetTempPath(), $"strata-conv-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, """{ "queue_capacity": 9, "tenants": [ { "name": "alpha", "api_keys": ["sk-file"] } ] }""");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "strata.dll"), "serve", "--model",
                     "stories=" + StrataProcess.Shared("stories260K.gguf"), "--port", "0", "--threads", "2", "--config", config })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["STRATA__TENANTS__0__API_KEYS__0"] = "sk-env";
        start.Environment["STRATA__QUEUE_CAPACITY"] = "7";
        start.Environment["Logging__Console__FormatterName"] = "json";
        start.Environment.Remove("OTEL_SERVICE_NAME");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            string url = await ListeningUrl(process);
            using var http = new HttpClient { BaseAddress = new Uri(url) };

            // The key from the environment replaced the file's.
            Assert.Equal(HttpStatusCode.OK, (await Complete(http, "sk-env")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Complete(http, "sk-file")).StatusCode);
            using var ready = JsonDocument.Parse(await http.GetStringAsync("/health/ready"));
            Assert.Equal(7, ready.RootElement.GetProperty("queue_capacity").GetInt32());

            string metrics = await http.GetStringAsync("/metrics");
            Assert.Matches("target_info\\{[^}]*service_name=\"strata\"", metrics);
            Assert.Matches("strata_generated_tokens_total\\{[^}]*model=\"stories\"[^}]*\\} 8", metrics);
            Assert.Matches("strata_request_duration_seconds_count\\{[^}]*model=\"stories\"[^}]*\\} 1", metrics);
            Assert.Matches("strata_kv_usage\\{[^}]*model=\"stories\"[^}]*\\} 0", metrics);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            File.Delete(config);
        }

        string log = await stdout;
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
        var requests = new List<JsonElement>();
        foreach (string line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var entry = JsonDocument.Parse(line); // every line is one JSON object
            if (entry.RootElement.GetProperty("Category").GetString() == "Strata.Requests")
            {
                requests.Add(entry.RootElement.GetProperty("State").Clone());
            }
        }

        Assert.Equal(2, requests.Count); // one line per request; probes and scrapes are not logged
        var ok = requests[0];
        Assert.Equal(200, ok.GetProperty("Status").GetInt32());
        Assert.Equal("alpha", ok.GetProperty("Tenant").GetString());
        Assert.Equal("stories", ok.GetProperty("Model").GetString());
        Assert.Equal(8, ok.GetProperty("CompletionTokens").GetInt32());
        Assert.True(ok.GetProperty("PromptTokens").GetInt32() > 4);
        Assert.Matches("^[0-9a-f]{32}$", ok.GetProperty("TraceId").GetString()!);
        Assert.True(ok.GetProperty("TotalMs").GetDouble() >= ok.GetProperty("TtftMs").GetDouble());
        Assert.Equal(401, requests[1].GetProperty("Status").GetInt32());
    }

    private static async Task<HttpResponseMessage> Complete(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { prompt = "Once upon a time " + Secret, max_tokens = 8, temperature = 0 }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var reply = await http.SendAsync(request);
        await reply.Content.LoadIntoBufferAsync();
        return reply;
    }

    private static async Task<string> ListeningUrl(Process process)
    {
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException("strata serve ended before it listened");
    }

    [GeneratedRegex(@"listening on (http://\S+?)(,| |$)")]
    private static partial Regex ListeningLine();
}
