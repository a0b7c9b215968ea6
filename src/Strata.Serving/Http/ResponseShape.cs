// The OpenAI JSON shapes of completion responses and stream chunks, chat and legacy completions.
using System.Text.Json;
using Strata.Engine.Chat;

namespace Strata.Serving;

/// <summary>Fixed parts of one response (id, created, model, fingerprint) and writers for its pieces.</summary>
internal sealed record ResponseShape(bool Chat, string Id, long Created, string Model, string Fingerprint, bool Logprobs, bool IncludeUsage)
{
    public void WriteHead(Utf8JsonWriter w, bool chunk)
    {
        w.WriteString("id", Id);
        w.WriteString("object", Chat ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion");
        w.WriteNumber("created", Created);
        w.WriteString("model", Model);
        w.WriteString("system_fingerprint", Fingerprint);
    }

    /// <summary>The "usage" member: prompt, completion and total tokens.</summary>
    public static void WriteUsage(Utf8JsonWriter w, SequenceCompletion done)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", done.PromptTokens);
        w.WriteNumber("completion_tokens", done.CompletionTokens);
        w.WriteNumber("total_tokens", done.PromptTokens + done.CompletionTokens);
        w.WriteEndObject();
    }

    /// <summary>One stream chunk: new text (and its token's log-probability), or the end with its finish reason.</summary>
    public void WriteChunk(Utf8JsonWriter w, string? text, TokenLogprob? logprob, string? finishReason, string? stopReason, ref bool roleSent, ref int offset)
    {
        w.WriteStartObject();
        WriteHead(w, chunk: true);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        if (Chat)
        {
            w.WriteStartObject("delta");
            if (!roleSent)
            {
                w.WriteString("role", "assistant");
                roleSent = true;
            }

            if (text is not null)
            {
                w.WriteString("content", text);
            }

            w.WriteEndObject();
        }
        else
        {
            roleSent = true;
            w.WriteString("text", text ?? string.Empty);
        }

        if (Logprobs && logprob is not null)
        {
            WriteLogprobs(w, [logprob], offset);
        }
        else
        {
            w.WriteNull("logprobs");
        }

        offset += text?.Length ?? 0;
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
            w.WriteString("strata_stop_reason", stopReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// A message's "tool_calls": each with its id, type "function" and the function's name and arguments (JSON text). In a
    /// stream delta each call also carries its index, as OpenAI's chunks do.
    /// </summary>
    public static void WriteToolCalls(Utf8JsonWriter w, IReadOnlyList<ChatToolCall> calls, bool delta)
    {
        w.WriteStartArray("tool_calls");
        for (int i = 0; i < calls.Count; i++)
        {
            w.WriteStartObject();
            if (delta)
            {
                w.WriteNumber("index", i);
            }

            w.WriteString("id", calls[i].Id);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", calls[i].Name);
            w.WriteString("arguments", calls[i].Arguments);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>One chat stream chunk whose delta holds <paramref name="calls"/>.</summary>
    public void WriteToolCallChunk(Utf8JsonWriter w, IReadOnlyList<ChatToolCall> calls, ref bool roleSent)
    {
        w.WriteStartObject();
        WriteHead(w, chunk: true);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        if (!roleSent)
        {
            w.WriteString("role", "assistant");
            roleSent = true;
        }

        WriteToolCalls(w, calls, delta: true);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteNull("finish_reason");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The "logprobs" member of a choice: chat's content list, or legacy completions' parallel arrays.</summary>
    public void WriteLogprobs(Utf8JsonWriter w, IReadOnlyList<TokenLogprob>? tokens, int textOffset = 0)
    {
        if (tokens is null)
        {
            w.WriteNull("logprobs");
            return;
        }

        w.WriteStartObject("logprobs");
        if (Chat)
        {
            w.WriteStartArray("content");
            foreach (var t in tokens)
            {
                WriteChatToken(w, t, withTop: true);
            }

            w.WriteEndArray();
            w.WriteNull("refusal");
        }
        else
        {
            w.WriteStartArray("tokens");
            foreach (var t in tokens)
            {
                w.WriteStringValue(t.Token);
            }

            w.WriteEndArray();
            w.WriteStartArray("token_logprobs");
            foreach (var t in tokens)
            {
                w.WriteNumberValue(t.Logprob);
            }

            w.WriteEndArray();
            w.WriteStartArray("top_logprobs");
            foreach (var t in tokens)
            {
                w.WriteStartObject();
                foreach (var alt in t.Top ?? [])
                {
                    w.WriteNumber(alt.Token, alt.Logprob);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("text_offset");
            int at = textOffset;
            foreach (var t in tokens)
            {
                w.WriteNumberValue(at);
                at += t.Token.Length;
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteChatToken(Utf8JsonWriter w, TokenLogprob t, bool withTop)
    {
        w.WriteStartObject();
        w.WriteString("token", t.Token);
        w.WriteNumber("logprob", t.Logprob);
        w.WriteStartArray("bytes");
        foreach (byte b in t.Bytes)
        {
            w.WriteNumberValue(b);
        }

        w.WriteEndArray();
        if (withTop)
        {
            w.WriteStartArray("top_logprobs");
            foreach (var alt in t.Top ?? [])
            {
                WriteChatToken(w, alt, withTop: false);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}
