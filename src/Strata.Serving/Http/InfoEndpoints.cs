// GET /v1/models, /v1/strata/evidence/{traceId} and /health/ready, and the JSON reply every endpoint writes.
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Strata.Serving;

/// <summary>The server's informational endpoints over its shared state.</summary>
internal static class InfoEndpoints
{
    public static Task ListModels(HttpContext context, ServerState state)
    {
        var tenant = state.Authenticate(context);
        return WriteJson(context, 200, w =>
        {
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var s in state.ModelsFor(tenant))
            {
                w.WriteStartObject();
                w.WriteString("id", s.Name);
                w.WriteString("object", "model");
                w.WriteNumber("created", new DateTimeOffset(File.GetLastWriteTimeUtc(s.Runtime.Model.Path)).ToUnixTimeSeconds());
                w.WriteString("owned_by", "strata");
                w.WriteNumber("context_length", s.Runtime.ContextTokens);
                w.WriteEndObject();
            }

            foreach (var e in state.Embeddings)
            {
                if (!tenant.MayUse(e.Name))
                {
                    continue;
                }

                w.WriteStartObject();
                w.WriteString("id", e.Name);
                w.WriteString("object", "model");
                w.WriteNumber("created", new DateTimeOffset(File.GetLastWriteTimeUtc(e.Path)).ToUnixTimeSeconds());
                w.WriteString("owned_by", "strata");
                w.WriteNumber("context_length", e.Embedder.MaxTokens);
                w.WriteString("strata_kind", "embedding");
                w.WriteNumber("dimensions", e.Embedder.Dimensions);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    public static async Task GetEvidence(HttpContext context, ServerState state)
    {
        var tenant = state.Authenticate(context);
        string id = (string)context.Request.RouteValues["traceId"]!;
        var record = state.Evidence.Find(id, tenant.Name)
            ?? (state.Archive is { } archive ? await archive.FindAsync(id, tenant.Name, context.RequestAborted) : null)
            ?? throw new ApiError(404, $"no evidence for trace id '{id}' (it is unknown, not yours, or has been dropped)", "invalid_request_error", null, "not_found");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(record.ToJson(), context.RequestAborted);
    }

    public static Task Ready(HttpContext context, ServerState state)
    {
        string? fault = null;
        foreach (var s in state.Schedulers)
        {
            fault ??= s.LastFault;
        }

        bool full = state.Admission.Queued >= state.Config.QueueCapacity;
        int status = fault is null && !full && !ModelFileStatus.AnyMappedChanged(state.Schedulers) ? 200 : 503;
        return WriteJson(context, status, w =>
        {
            w.WriteString("status", status == 200 ? "ready" : "not_ready");
            w.WriteNumber("queued", state.Admission.Queued);
            w.WriteNumber("queue_capacity", state.Config.QueueCapacity);
            if (fault is not null)
            {
                w.WriteString("fault", fault);
            }

            ModelFileStatus.Write(w, state.Schedulers);
        });
    }


    public static async Task WriteJson(HttpContext context, int status, Action<Utf8JsonWriter> body, bool wrap = true)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (wrap)
            {
                w.WriteStartObject();
            }

            body(w);
            if (wrap)
            {
                w.WriteEndObject();
            }
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
