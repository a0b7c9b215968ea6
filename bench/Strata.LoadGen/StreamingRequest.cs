// One streaming completion request: sends the body, parses the SSE stream and times the content chunks.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Strata.LoadGen;

/// <summary>How a request ended.</summary>
internal enum RequestOutcome
{
    /// <summary>HTTP 200 and a complete stream ([DONE] or a finish_reason).</summary>
    Ok,

    /// <summary>A status other than 200; the body was read for its message.</summary>
    HttpError,

    /// <summary>Connection, protocol or stream failure (including a 200 stream cut short or carrying an error).</summary>
    TransportError,

    /// <summary>Still open when the level cap fired; cancelled.</summary>
    Timeout,
}

/// <summary>What one request produced.</summary>
internal sealed class RequestResult(int index, int prompt)
{
    public int Index { get; } = index;

    public int Prompt { get; } = prompt;

    public RequestOutcome Outcome { get; set; }

    /// <summary>HTTP status, 0 when no response arrived.</summary>
    public int Status { get; set; }

    public string? Error { get; set; }

    public string Text { get; set; } = string.Empty;

    public int CompletionTokens { get; set; }

    public bool UsageReported { get; set; }

    public string? FinishReason { get; set; }

    /// <summary>Milliseconds from sending to the first non-empty content chunk; NaN when none arrived.</summary>
    public double TtftMs { get; set; } = double.NaN;

    /// <summary>Milliseconds between consecutive non-empty content chunks.</summary>
    public List<double> ItlMs { get; } = [];

    /// <summary>Milliseconds from sending to the end of the response.</summary>
    public double TotalMs { get; set; }
}

/// <summary>Sends streaming requests over a shared <see cref="HttpClient"/>.</summary>
internal sealed class StreamingRequest(HttpClient client, LoadGenOptions options, PromptSet prompts)
{
    private readonly Uri _endpoint = options.EndpointUri;

    public async Task<RequestResult> RunAsync(int index, CancellationToken cap)
    {
        var result = new RequestResult(index, index % prompts.Count);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new StringContent(prompts.Body(result.Prompt), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (options.CloseConnections)
        {
            request.Headers.ConnectionClose = true;
        }

        if (options.ApiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        long start = Stopwatch.GetTimestamp();
        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cap).ConfigureAwait(false);
            result.Status = (int)response.StatusCode;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                string body = await response.Content.ReadAsStringAsync(cap).ConfigureAwait(false);
                result.Outcome = RequestOutcome.HttpError;
                result.Error = ErrorMessage(body);
                return result;
            }

            await ReadStreamAsync(response, result, start, cap).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or ObjectDisposedException
                                       or JsonException or InvalidOperationException)
        {
            // A read cut by the cap may surface as an IOException rather than a cancellation: the cap decides.
            result.Outcome = cap.IsCancellationRequested ? RequestOutcome.Timeout : RequestOutcome.TransportError;
            result.Error = cap.IsCancellationRequested ? "cancelled at the level cap" : $"{ex.GetType().Name}: {Flatten(ex)}";
        }
        finally
        {
            result.TotalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return result;
    }

    private async Task ReadStreamAsync(HttpResponseMessage response, RequestResult result, long start, CancellationToken cap)
    {
        Stream stream = await response.Content.ReadAsStreamAsync(cap).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = new StringBuilder();
            long lastChunk = 0;
            int contentChunks = 0;
            bool done = false;
            while (await reader.ReadLineAsync(cap).ConfigureAwait(false) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    // Blank separators, ": comments", "event:" and "id:" lines carry no chunk.
                    continue;
                }

                string data = line.AsSpan(5).TrimStart(' ').ToString();
                if (data == "[DONE]")
                {
                    done = true;
                    break;
                }

                using JsonDocument doc = JsonDocument.Parse(data);
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind != JsonValueKind.Null)
                {
                    result.Outcome = RequestOutcome.TransportError;
                    result.Error = "error in stream: " + ErrorMessage(error.GetRawText());
                    result.Text = text.ToString();
                    return;
                }

                if (root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
                {
                    JsonElement choice = choices[0];
                    string? content = null;
                    if (options.Chat)
                    {
                        if (choice.TryGetProperty("delta", out JsonElement delta) && delta.ValueKind == JsonValueKind.Object
                            && delta.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.String)
                        {
                            content = c.GetString();
                        }
                    }
                    else if (choice.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String)
                    {
                        content = t.GetString();
                    }

                    if (!string.IsNullOrEmpty(content))
                    {
                        long now = Stopwatch.GetTimestamp();
                        if (contentChunks == 0)
                        {
                            result.TtftMs = Stopwatch.GetElapsedTime(start, now).TotalMilliseconds;
                        }
                        else
                        {
                            result.ItlMs.Add(Stopwatch.GetElapsedTime(lastChunk, now).TotalMilliseconds);
                        }

                        lastChunk = now;
                        contentChunks++;
                        text.Append(content);
                    }

                    if (choice.TryGetProperty("finish_reason", out JsonElement finish) && finish.ValueKind == JsonValueKind.String)
                    {
                        result.FinishReason = finish.GetString();
                    }
                }

                if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object
                    && usage.TryGetProperty("completion_tokens", out JsonElement ct) && ct.TryGetInt32(out int tokens))
                {
                    result.CompletionTokens = tokens;
                    result.UsageReported = true;
                }
            }

            result.Text = text.ToString();
            if (!result.UsageReported)
            {
                result.CompletionTokens = contentChunks;
            }

            if (done || result.FinishReason is not null)
            {
                result.Outcome = RequestOutcome.Ok;
            }
            else
            {
                result.Outcome = RequestOutcome.TransportError;
                result.Error = "stream ended without [DONE] or finish_reason";
            }
        }
    }

    /// <summary>The "message" of an OpenAI-style error body, else the body's first 200 characters.</summary>
    internal static string ErrorMessage(string body)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out JsonElement e))
            {
                root = e;
            }

            if (root.ValueKind == JsonValueKind.String)
            {
                return Shorten(root.GetString() ?? string.Empty);
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String)
            {
                return Shorten(m.GetString() ?? string.Empty);
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the raw text.
        }

        return Shorten(body);
    }

    private static string Shorten(string s)
    {
        s = s.ReplaceLineEndings(" ").Trim();
        return s.Length <= 200 ? s : string.Concat(s.AsSpan(0, 200), "...");
    }

    private static string Flatten(Exception ex)
    {
        var sb = new StringBuilder(ex.Message);
        for (Exception? inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            sb.Append(" -> ").Append(inner.Message);
        }

        return Shorten(sb.ToString());
    }
}
