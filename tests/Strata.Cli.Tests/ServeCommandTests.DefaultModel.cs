// `strata serve` with no --model and no config serves the embedded default model (kept apart from the other serve tests).
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_NoModel_ServesTheEmbeddedModelAsStories260K()
    {
        var (process, url) = await StartServe();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            string models = await http.GetStringAsync("/v1/models");
            Assert.Contains("\"id\":\"stories260K\"", models, StringComparison.Ordinal);
            using var reply = await http.PostAsJsonAsync("/v1/completions",
                new { model = "stories260K", prompt = "Once upon a time", max_tokens = 64, temperature = 0 });
            string body = await reply.Content.ReadAsStringAsync();
            Assert.True(reply.IsSuccessStatusCode, body);
            using var doc = JsonDocument.Parse(body);
            Assert.Equal(DefaultModelTests.GoldenText(), doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
