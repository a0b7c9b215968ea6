// A minimal SSE reader for the tests' raw HTTP requests.
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Strata.Serving.Tests;

internal static class Sse
{
    /// <summary>Posts a streaming completion and returns the concatenated text and the usage object (when sent).</summary>
    public static async Task<(string Text, JsonElement? Usage)> Completion(HttpClient http, object body, string path = "/v1/completions")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var reply = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!reply.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)reply.StatusCode}: {await reply.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("text/event-stream", reply.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await reply.Content.ReadAsStreamAsync());
        var text = new StringBuilder();
        JsonElement? usage = null;
        bool done = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            string data = line[6..];
            if (data == "[DONE]")
            {
                done = true;
                break;
            }

            using var doc = JsonDocument.Parse(data);
            if (doc.RootElement.TryGetProperty("error", out var error))
            {
                throw new HttpRequestException($"stream error: {error}");
            }

            if (doc.RootElement.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = u.Clone();
            }

            foreach (var choice in doc.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("text", out var t))
                {
                    text.Append(t.GetString());
                }
                else if (choice.GetProperty("delta").TryGetProperty("content", out var c))
                {
                    text.Append(c.GetString());
                }
            }
        }

        Assert.True(done, "the stream ended without [DONE]");
        return (text.ToString(), usage);
    }
}
