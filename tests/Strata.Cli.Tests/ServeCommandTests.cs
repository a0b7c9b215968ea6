// The real `strata serve` process, as the README starts it: it listens, streams a completion to a plain HTTP client, and stops on SIGINT-like kill.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Strata.Cli.Tests;

public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_Sigterm_StopsTheServerWithExitCodeZero()
    {
        // What systemd, docker stop and Kubernetes send. The host's console lifetime takes the signal, so a server that
        // only waited for the command line's own token never ended.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var (process, _) = await StartServe("--model", "q8=" + StrataProcess.Shared("synth/ci-d256-l4-q8_0.gguf"));
        try
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    internal static Task<(Process Process, string Url)> StartServe(params string[] args) =>
        StartServe(null, ["--port", "0", .. args]);

    /// <summary>Starts `strata serve --threads 2 ARGS` (with <paramref name="environment"/> added) and waits for its listening line.</summary>
    private static async Task<(Process Process, string Url)> StartServe(IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "strata.dll"), "serve", "--threads", "2" }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var until = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < until)
        {
            string? line = await process.StandardError.ReadLineAsync();
            if (line is null)
            {
                break;
            }

            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                return (process, match.Groups[1].Value);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("strata serve did not start listening");
    }

    private static int Metric(string metrics, string name)
    {
        var m = Regex.Match(metrics, "^" + name + @"(?:\{[^}]*\})? (\d+)", RegexOptions.Multiline);
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

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
                    model = "stories",
                    prompt = "Once upon a time",
                    max_tokens = 16,
                    temperature = 0,
                    stream = true,
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
