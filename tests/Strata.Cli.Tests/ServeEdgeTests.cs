// The real `strata serve` and `strata generate` at the edges a hostile probe tried: hosts, URLs, huge contexts, SIGTERM mid-stream.
using System.Diagnostics;
using System.Net.Http.Json;

namespace Strata.Cli.Tests;

public sealed partial class ServeCommandTests
{
    private static string Stories => "stories=" + StrataProcess.Shared("stories260K.gguf");

    [Theory]
    [InlineData("127.0.0.l")]
    [InlineData("example.com")]
    [InlineData("127.1")]
    public void Serve_HostNotAnAddress_Exits2WithOneErrorLine(string host)
    {
        // Kestrel listens on every interface for a host it cannot read as an address.
        var result = StrataProcess.Run("serve", "--model", Stories, "--host", host, "--port", "0");
        Assert.Equal(2, result.ExitCode);
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains($"'{host}' is not an IP address or 'localhost'", lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--host", "0.0.0.0")]
    [InlineData("--urls", "http://0.0.0.0:0")]
    [InlineData("--urls", "http://127.0.0.1:0;http://*:0")]
    public void Serve_BeyondLoopbackWithoutKeys_Exits2NamingTheFlag(string option, string value)
    {
        var result = StrataProcess.Run("serve", "--model", Stories, option, value);
        Assert.Equal(2, result.ExitCode);
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("--allow-unauthenticated", lines[0], StringComparison.Ordinal);
        Assert.Contains("api_keys", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_AspNetCoreUrls_IsWhereItListens()
    {
        var (process, url) = await StartServe(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" }, ["--model", Stories]);
        try
        {
            var uri = new Uri(url);
            Assert.Equal("127.0.0.1", uri.Host);
            Assert.NotEqual(8080, uri.Port); // the default, which ignoring the variable gives
            using var http = new HttpClient { BaseAddress = uri };
            Assert.Contains("stories", await http.GetStringAsync("/v1/models"), StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_UrlsOption_IsWhereItListens()
    {
        var (process, url) = await StartServe(null, ["--model", Stories, "--urls", "http://127.0.0.1:0"]);
        try
        {
            Assert.NotEqual(8080, new Uri(url).Port);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("serve")]
    public void HugeContext_Exits2NamingTheLimit(string command)
    {
        string model = StrataProcess.Shared("stories260K.gguf");
        var result = command == "generate"
            ? StrataProcess.Run("generate", "--model", model, "--prompt", "Once upon a time", "--ctx", "100000000")
            : StrataProcess.Run("serve", "--model", "stories=" + model, "--port", "0", "--ctx", "100000000");
        Assert.Equal(2, result.ExitCode);
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: a context of 100000000 tokens needs", lines[0], StringComparison.Ordinal);
        Assert.Contains("MiB of memory available", lines[0], StringComparison.Ordinal);
        Assert.Contains("trained on 512 tokens", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SigtermDuringAStreamLongerThanTheDrain_StreamGetsAFinalEventAndDone()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string config = Path.Combine(Path.GetTempPath(), $"strata-drain-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, """{ "shutdown_drain_ms": 300 }""");
        var (process, url) = await StartServe("--model", "q8=" + StrataProcess.Shared("synth/ci-d256-l4-q8_0.gguf"), "--ctx", "8192", "--config", config);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
            {
                Content = JsonContent.Create(new { prompt = "The quick brown fox", max_tokens = 8000, temperature = 0, stream = true }),
            };
            using var reply = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await reply.Content.ReadAsStreamAsync());
            while ((await reader.ReadLineAsync())?.StartsWith("data: ", StringComparison.Ordinal) != true)
            {
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            string rest = await reader.ReadToEndAsync();
            Assert.Contains("\"finish_reason\":\"length\"", rest, StringComparison.Ordinal);
            Assert.Contains("\"strata_stop_reason\":\"shutdown\"", rest, StringComparison.Ordinal);
            Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
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

            File.Delete(config);
        }
    }
}
