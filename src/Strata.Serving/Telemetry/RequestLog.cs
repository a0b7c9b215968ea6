// One structured log line per HTTP request: who, which model, the outcome and the timings — never prompt or output text.
using Microsoft.Extensions.Logging;

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
}
