// The SSE framing of a completion stream, byte for byte, on a real HttpResponse.
using System.Text;
using Microsoft.AspNetCore.Http;
using Strata.Engine.Generation;

namespace Strata.Serving.Tests;

public sealed class SseWriterTests
{
    private const string Head = "\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1700000000,\"model\":\"m\",\"system_fingerprint\":\"strata-0123\"";

    [Fact]
    public async Task End_ChunkThenMaxTokensWithUsage_WritesExactEventsAndDone()
    {
        var (context, body) = NewContext();
        using var sse = new SseWriter(context.Response, Shape(includeUsage: true));

        sse.Start();
        sse.Chunk("Once", null);
        sse.Chunk(string.Empty, null); // nothing new once the role is out: no event
        await sse.FlushAsync(CancellationToken.None);
        Assert.Equal("data: {" + Head + ",\"choices\":[{\"index\":0,\"text\":\"Once\",\"logprobs\":null,\"finish_reason\":null}]}\n\n", Text(body));

        sse.End(new SequenceCompletion(StopReason.MaxTokens, PromptTokens: 3, CompletionTokens: 1, Error: null));
        await sse.FlushAsync(CancellationToken.None);

        Assert.Equal("text/event-stream", context.Response.ContentType);
        Assert.Equal("no-cache", context.Response.Headers.CacheControl);
        Assert.Equal("no", context.Response.Headers["X-Accel-Buffering"]);
        Assert.Equal(
            "data: {" + Head + ",\"choices\":[{\"index\":0,\"text\":\"Once\",\"logprobs\":null,\"finish_reason\":null}]}\n\n"
            + "data: {" + Head + ",\"choices\":[{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"length\",\"strata_stop_reason\":\"max_tokens\"}]}\n\n"
            + "data: {" + Head + ",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n"
            + "data: [DONE]\n\n",
            Text(body));
    }

    [Fact]
    public async Task End_FailedSequence_WritesErrorEventThenDone()
    {
        var (context, body) = NewContext();
        using var sse = new SseWriter(context.Response, Shape(includeUsage: true));

        sse.Start();
        sse.End(new SequenceCompletion(StopReason.Error, 3, 0, "the forward pass failed: boom"));
        await sse.FlushAsync(CancellationToken.None);

        Assert.Equal(
            "data: {\"error\":{\"message\":\"the forward pass failed: boom\",\"type\":\"server_error\",\"param\":null,\"code\":\"error\"}}\n\n"
            + "data: [DONE]\n\n",
            Text(body));
    }

    [Fact]
    public async Task FlushAsync_NothingBuffered_WritesNothing()
    {
        var (context, body) = NewContext();
        using var sse = new SseWriter(context.Response, Shape(includeUsage: false));

        await sse.FlushAsync(CancellationToken.None);

        Assert.Equal(0, body.Length);
    }

    private static ResponseShape Shape(bool includeUsage) =>
        new(Chat: false, "cmpl-1", 1700000000, "m", "strata-0123", Logprobs: false, IncludeUsage: includeUsage);

    private static (DefaultHttpContext Context, MemoryStream Body) NewContext()
    {
        var body = new MemoryStream();
        return (new DefaultHttpContext { Response = { Body = body } }, body);
    }

    private static string Text(MemoryStream body) => Encoding.UTF8.GetString(body.ToArray());
}
