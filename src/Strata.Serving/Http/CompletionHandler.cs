// POST /v1/chat/completions and /v1/completions: authenticate, parse, route, admit, submit, then stream (SseWriter) or answer once; evidence at the end.
using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Engine.Chat;
using Strata.Engine.Generation;
using Strata.Engine.Sampling;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>The OpenAI completion endpoints over the schedulers.</summary>
internal sealed class CompletionHandler(ServerState state)
{
    public async Task Handle(HttpContext context, bool chat)
    {
        long arrival = state.Time.GetTimestamp();
        string traceId = ServerState.TraceIdOf(context);
        var tenant = state.Authenticate(context);
        ServerState.RequireJsonContent(context);
        string endpoint = chat ? "/v1/chat/completions" : "/v1/completions";
        using var body = await ServerState.ReadJson(context);
        var api = ApiRequest.Parse(body.RootElement, chat);
        var scheduler = state.Route(api.Model, tenant);
        var runtime = scheduler.Runtime;
        var tokenizer = runtime.Model.Tokenizer;
        var stops = new List<string>(api.Stop);
        int[] prompt;
        ChatPrompt? chatPrompt = null;
        Strata.Engine.Grammar.Grammar? grammar = null;
        if (chat)
        {
            chatPrompt = RenderChat(scheduler.Chat, api);
            grammar = CompileGrammar(scheduler.Chat, chatPrompt);
            prompt = scheduler.Chat.Encode(chatPrompt, tokenizer);
            stops.AddRange(chatPrompt.StopStrings);
        }
        else if (api.PromptTokenIds is { } ids)
        {
            foreach (int id in ids)
            {
                if ((uint)id >= (uint)runtime.Model.Spec.VocabSize)
                {
                    throw ApiError.BadRequest($"'prompt' holds token id {id}; this model's ids are 0 to {runtime.Model.Spec.VocabSize - 1}", "prompt");
                }
            }

            prompt = ids;
        }
        else
        {
            prompt = tokenizer.Encode(api.Prompt ?? string.Empty, addSpecial: true);
        }

        if (prompt.Length == 0)
        {
            throw ApiError.BadRequest("the prompt is empty and the model's tokenizer adds no BOS token", chat ? "messages" : "prompt");
        }

        int window = runtime.ContextTokens;
        int maxTokens = api.MaxTokens ?? (window - prompt.Length);
        if (prompt.Length >= window || (long)prompt.Length + maxTokens > window)
        {
            throw ApiError.BadRequest(
                $"this model's context is {window} tokens; the request needs {(long)prompt.Length + Math.Max(maxTokens, 1)} "
                + $"({prompt.Length} in the prompt, {Math.Max(maxTokens, 1)} to generate); shorten the prompt or lower max_tokens",
                api.MaxTokens is null || prompt.Length >= window ? (chat ? "messages" : "prompt") : "max_tokens", "context_length_exceeded");
        }

        int deadline = state.DeadlineMs(context);
        await state.AdmitAsync(tenant, scheduler.Name, prompt.Length + maxTokens, prompt.Length, "max_tokens");

        var record = new EvidenceRecord(TraceId.Parse(traceId), state.Time);
        var request = new ServingRequest
        {
            Endpoint = endpoint,
            Tenant = tenant,
            PromptTokens = prompt,
            MaxTokens = maxTokens,
            Sampling = new SamplerOptions
            {
                Temperature = api.Temperature,
                TopK = api.TopK,
                TopP = api.TopP,
                MinP = api.MinP,
                PresencePenalty = api.PresencePenalty,
                FrequencyPenalty = api.FrequencyPenalty,
                PenaltyLastN = -1,
                Seed = api.Seed,
            },
            StopStrings = stops,
            Grammar = grammar,
            Logprobs = api.Logprobs,
            TopLogprobs = api.TopLogprobs,
            Stream = api.Stream,
            ArrivalTicks = arrival,
            DeadlineMs = deadline,
        };
        ServingSequence sequence;
        try
        {
            sequence = scheduler.Submit(request);
        }
        catch (InvalidOperationException e)
        {
            state.Admission.Finished(tenant, scheduler.Name);
            throw new ApiError(503, e.Message, "server_error", null, "shutting_down");
        }

        var shape = new ResponseShape(chat, chat ? "chatcmpl-" + traceId : "cmpl-" + traceId, state.Time.GetUtcNow().ToUnixTimeSeconds(),
            scheduler.Name, "strata-" + runtime.Executable.ContentHash[..12], api.Logprobs, api.IncludeUsage);
        bool recorded = false;
        async Task RecordOnce()
        {
            // Before the last bytes go out, so a client that reads its trace id's evidence right after finds it.
            await sequence.Ended;
            if (!recorded)
            {
                recorded = true;
                record.Cluster = context.Items[ServerState.ClusterItem] as ClusterSection;
                state.Record(sequence, scheduler, record, endpoint);
                context.Items[ServerState.ServingItem] = record.Serving;
            }
        }

        try
        {
            using (context.RequestAborted.Register(() =>
            {
                sequence.Cancel();
                scheduler.Poke();
            }))
            {
                var reply = new ReplyShape(chatPrompt, traceId);
                if (api.Stream)
                {
                    await Stream(context, sequence, shape, reply, RecordOnce);
                }
                else
                {
                    await Respond(context, sequence, shape, reply, RecordOnce);
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; the scheduler frees the sequence's blocks at its next pass.
        }
        finally
        {
            await RecordOnce();
        }
    }

    // The chat template's verdict on the messages: a template that raises refuses the request (400, its message); one
    // that uses what the interpreter lacks is the server's fault (500), never a silently different prompt.
    private static ChatPrompt RenderChat(ModelChat modelChat, ApiRequest api)
    {
        var request = new ChatRequest(api.Messages)
        {
            Tools = api.Tools,
            ToolChoice = api.ToolChoice,
            ParallelToolCalls = api.ParallelToolCalls,
            ResponseFormat = api.ResponseFormat,
        };
        ChatPrompt prompt;
        try
        {
            prompt = modelChat.Render(request);
        }
        catch (ChatTemplateException e) when (e.RaisedByTemplate)
        {
            throw ApiError.BadRequest($"the model's chat template refused the messages: {e.Message}", "messages", "chat_template_error");
        }
        catch (ChatTemplateException e)
        {
            throw new ApiError(500, $"the model's chat template cannot be rendered: {e.Message}", "server_error", null, "chat_template_unsupported");
        }

        return prompt;
    }

    // A schema or grammar that cannot be compiled is refused before any token is generated, naming where it fails.
    private static Strata.Engine.Grammar.Grammar? CompileGrammar(ModelChat modelChat, ChatPrompt prompt)
    {
        string field = prompt.ParsesToolCalls ? "tools" : "response_format.json_schema.schema";
        try
        {
            return modelChat.Grammar(prompt);
        }
        catch (Strata.Engine.Grammar.SchemaException e)
        {
            throw ApiError.BadRequest($"'{field}' cannot be enforced: {e.Message}", field, "invalid_schema");
        }
        catch (Strata.Engine.Grammar.GrammarException e)
        {
            throw ApiError.BadRequest($"'{field}' cannot be enforced: {e.Message}", field, "invalid_schema");
        }
    }

    private static async Task Respond(HttpContext context, ServingSequence sequence, ResponseShape shape, ReplyShape reply, Func<Task> beforeLastWrite)
    {
        var text = new System.Text.StringBuilder();
        var logprobs = shape.Logprobs ? new List<TokenLogprob>() : null;
        SequenceCompletion? done = null;
        await foreach (var e in sequence.Events.ReadAllAsync(context.RequestAborted))
        {
            text.Append(e.Text);
            if (e.Logprob is not null)
            {
                logprobs?.Add(e.Logprob);
            }

            done = e.Done ?? done;
        }

        ThrowIfFailed(done!, sequence);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            shape.WriteHead(w, chunk: false);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            string finishReason = done!.FinishReason;
            if (shape.Chat)
            {
                var answer = reply.Parse(text.ToString());
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                if (answer.HasToolCalls && answer.Content.Length == 0)
                {
                    w.WriteNull("content");
                }
                else
                {
                    w.WriteString("content", answer.Content);
                }

                if (answer.HasToolCalls)
                {
                    ResponseShape.WriteToolCalls(w, answer.ToolCalls, delta: false);
                    finishReason = ReplyShape.ToolCallsFinish(finishReason);
                }

                w.WriteNull("refusal");
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("text", text.ToString());
            }

            shape.WriteLogprobs(w, logprobs);
            w.WriteString("finish_reason", finishReason);
            w.WriteString("strata_stop_reason", done.StopName);
            w.WriteEndObject();
            w.WriteEndArray();
            ResponseShape.WriteUsage(w, done);
            w.WriteEndObject();
        }

        await beforeLastWrite();
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static async Task Stream(HttpContext context, ServingSequence sequence, ResponseShape shape, ReplyShape reply, Func<Task> beforeLastWrite)
    {
        var reader = sequence.Events;

        // Nothing is sent until the first event, so a request that ends in the queue (deadline) still gets a status.
        if (!await reader.WaitToReadAsync(context.RequestAborted))
        {
            return;
        }

        if (reader.TryPeek(out var first) && first.Done is { } early && sequence.Generated == 0)
        {
            ThrowIfFailed(early, sequence);
        }

        using var sse = new SseWriter(context.Response, shape);
        sse.Start();
        bool ended = false;
        do
        {
            while (reader.TryRead(out var e))
            {
                if (e.Done is { } done)
                {
                    string? finishReason = reply.Held && done.Error is null ? reply.EndHeld(sse, done) : null;
                    sse.End(done, finishReason);
                    ended = true;
                }
                else if (!reply.Hold(e.Text))
                {
                    sse.Chunk(e.Text, e.Logprob);
                }
            }

            if (ended)
            {
                await beforeLastWrite();
            }

            await sse.FlushAsync(context.RequestAborted);
        }
        while (await reader.WaitToReadAsync(context.RequestAborted));
    }

    private static void ThrowIfFailed(SequenceCompletion done, ServingSequence sequence)
    {
        if (done.Error is not null)
        {
            throw new ApiError(done.Reason == StopReason.Shutdown ? 503 : 500, done.Error, "server_error", null, done.StopName);
        }

        if (done.Reason == StopReason.Deadline && sequence.Generated == 0 && sequence.FirstTokenTicks == 0)
        {
            throw new ApiError(504, $"the request's deadline of {sequence.Request.DeadlineMs} ms passed before it produced a token",
                "timeout_error", null, "deadline_exceeded");
        }
    }
}
