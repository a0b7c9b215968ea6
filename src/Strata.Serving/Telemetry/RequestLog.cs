// One structured log line per HTTP request: who, which model, the outcome and the timings — never prompt or output text.
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>The request log (category <see cref="Category"/>), rendered by whichever console formatter is configured.</summary>
internal static partial class RequestLog
{
    /// <summary>The logger category; its level is Information by default, so `Logging__LogLevel__Strata.Requests=Warning` silences it.</summary>
    public const string Category = "Strata.Requests";

    /// <summary>Writes the line. Token counts and the model's timings are -1 / null where the request never reached a model.</summary>
    [LoggerMessage(EventId = 1, EventName = "request", Level = LogLevel.Information,
        Message = "{Method} {Path} {Status} trace_id={TraceId} tenant={Tenant} model={Model} prompt_tokens={PromptTokens} "
            + "completion_tokens={CompletionTokens} stop_reason={StopReason} queue_ms={QueueMs} ttft_ms={TtftMs} total_ms={TotalMs}")]
    public static partial void Request(ILogger logger, string method, string path, int status, string traceId, string? tenant,
        string? model, int promptTokens, int completionTokens, string? stopReason, double? queueMs, double? ttftMs, double totalMs);

    /// <summary>Writes the line of a request that ended; probes and scrapes are left out (a line per /metrics scrape would drown the requests).</summary>
    public static void Write(ILogger logger, HttpContext context, string traceId, double totalMs)
    {
        string path = context.Request.Path.Value ?? string.Empty;
        if (path.StartsWith("/health/", StringComparison.Ordinal) || path == "/metrics" || !logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var serving = context.Items[ServerState.ServingItem] as ServingSection;
        string? tenant = serving?.Tenant ?? context.Items[ServerState.TenantItem] as string;
        string method = context.Request.Method;
        int status = context.Response.StatusCode;
        int promptTokens = serving?.PromptTokens ?? -1;
        int completionTokens = serving?.CompletionTokens ?? -1;
        double ms = Math.Round(totalMs, 3);
        Request(logger, method, path, status, traceId, tenant, serving?.Model, promptTokens, completionTokens,
            serving?.StopReason, serving?.QueueMs, serving?.TtftMs, ms);
    }
}
