// Server-sent events of one streaming completion: the headers, `data: JSON\n\n` framing, flushing, the final chunk or
// error event, and `data: [DONE]`.
using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Strata.Serving;

/// <summary>
/// Writes one completion stream as server-sent events in OpenAI's framing. Events are buffered and go out together at
/// <see cref="FlushAsync"/>, so the tokens of one pass cost one write and one flush. Not thread-safe: one handler owns it.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    private readonly HttpResponse _response;
    private readonly ResponseShape _shape;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;
    private bool _roleSent; // a chat stream's first chunk carries the assistant role
    private int _offset; // characters of text sent so far (legacy logprobs' text_offset)

    /// <summary>A stream on <paramref name="response"/> whose chunks take <paramref name="shape"/>'s id, model and options.</summary>
    public SseWriter(HttpResponse response, ResponseShape shape)
    {
        _response = response;
        _shape = shape;
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Sets the event-stream headers (no caching, no proxy buffering); call before anything is written.</summary>
    public void Start()
    {
        _response.ContentType = "text/event-stream";
        _response.Headers.CacheControl = "no-cache";
        _response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>
    /// Buffers a chunk of new text (with its token's logprob). An empty event without a logprob carries nothing once the
    /// role has gone out (a stop string may be forming), so it is skipped.
    /// </summary>
    public void Chunk(string text, TokenLogprob? logprob)
    {
        if (text.Length == 0 && logprob is null && _roleSent)
        {
            return;
        }

        _shape.WriteChunk(BeginEvent(), text, logprob, null, null, ref _roleSent, ref _offset);
        EndEvent();
    }

    /// <summary>Buffers one chunk carrying the answer's tool calls (sent whole, once the answer is complete and parsed).</summary>
    public void ToolCalls(IReadOnlyList<Strata.Engine.Chat.ChatToolCall> calls)
    {
        _shape.WriteToolCallChunk(BeginEvent(), calls, ref _roleSent);
        EndEvent();
    }

    /// <summary>
    /// Buffers the end: an error event when the sequence failed, else the final chunk with its finish reason (and the
    /// usage chunk when asked); then <c>[DONE]</c>.
    /// </summary>
    /// <param name="done">how the sequence ended</param>
    /// <param name="finishReason">the finish_reason to send instead of the completion's own (tool_calls); null keeps it</param>
    public void End(SequenceCompletion done, string? finishReason = null)
    {
        if (done.Error is not null)
        {
            new ApiError(500, done.Error, "server_error", null, done.StopName).Write(BeginEvent());
            EndEvent();
        }
        else
        {
            _shape.WriteChunk(BeginEvent(), null, null, finishReason ?? done.FinishReason, done.StopName, ref _roleSent, ref _offset);
            EndEvent();
            if (_shape.IncludeUsage)
            {
                var w = BeginEvent();
                w.WriteStartObject();
                _shape.WriteHead(w, chunk: true);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                ResponseShape.WriteUsage(w, done);
                w.WriteEndObject();
                EndEvent();
            }
        }

        _buffer.Write(DoneEvent);
    }

    /// <summary>Writes and flushes the buffered events, if any.</summary>
    public async Task FlushAsync(CancellationToken cancellation)
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        await _response.Body.WriteAsync(_buffer.WrittenMemory, cancellation);
        await _response.Body.FlushAsync(cancellation);
        _buffer.ResetWrittenCount();
    }

    /// <summary>Releases the JSON writer (the response stays the caller's).</summary>
    public void Dispose() => _json.Dispose();

    private Utf8JsonWriter BeginEvent()
    {
        _buffer.Write(DataPrefix);
        _json.Reset(_buffer);
        return _json;
    }

    private void EndEvent()
    {
        _json.Flush();
        _buffer.Write(EventEnd);
    }
}
