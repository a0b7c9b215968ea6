// The real `strata serve` process, as the README starts it: it listens, streams a completion to a plain HTTP client, and stops on SIGINT-like kill.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Strata.Cli.Tests;

public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_ListensAndStreamsACompletion_LikeTheReadmeCurl()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "strata.dll"), "serve", "--model",
                     "stories=" + StrataProcess.Shared("stories260K.gguf"), "--port", "0", "--threads", "2" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        try
        {
            string? url = null;
            var until = DateTime.UtcNow.AddMinutes(1);
            while (url is null && DateTime.UtcNow < until)
            {
                string? line = await process.StandardError.ReadLineAsync();
                Assert.NotNull(line); // the process ended before it listened
                var match = ListeningLine().Match(line!);
                if (match.Success)
                {
                    url = match.Groups[1].Value;
                }
            }

            Assert.NotNull(url);
            using var http = new HttpClient { BaseAddress = new Uri(url!) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
            {
                Content = JsonContent.Create(new
                {
                    model = "stories", prompt = "Once upon a time", max_tokens = 16, temperature = 0, stream = true,
                    stream_options = new { include_usage = true },
                }),
            };
            using var reply = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal("text/event-stream", reply.Content.Headers.ContentType?.MediaType);
            string body = await reply.Content.ReadAsStringAsync();
            Assert.Contains("\"completion_tokens\":16", body, StringComparison.Ordinal);
            Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
            var generate = StrataProcess.Run("generate", "--model", StrataProcess.Shared("stories260K.gguf"), "--prompt", "Once upon a time",
                "--max-tokens", "16", "--temperature", "0", "--format", "json");
            Assert.Equal(0, generate.ExitCode);
            string expected = System.Text.Json.JsonDocument.Parse(generate.StdOut).RootElement.GetProperty("text").GetString()!;
            var text = new System.Text.StringBuilder();
            foreach (Match m in TextField().Matches(body))
            {
                text.Append(System.Text.Json.JsonSerializer.Deserialize<string>(m.Groups[1].Value));
            }

            Assert.Equal(expected, text.ToString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [GeneratedRegex(@"listening on (http://\S+?)(,| |$)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex("\"text\":(\"(?:[^\"\\\\]|\\\\.)*\")")]
    private static partial Regex TextField();
}
