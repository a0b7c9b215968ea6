// One call of a tool as the runtime makes it: the exact arguments and the idempotency key that names the call.
using System.Text.Json;

namespace Strata.Agents;

/// <summary>A call to a tool.</summary>
/// <param name="TaskId">The task making the call.</param>
/// <param name="Arguments">The arguments, a JSON object, exactly as authorized.</param>
/// <param name="IdempotencyKey">
/// Names this call across restarts: a retry of an in-doubt call carries the same key, so an idempotent tool
/// can recognise the repeat.
/// </param>
public sealed record ToolInvocation(string TaskId, JsonElement Arguments, string IdempotencyKey);

/// <summary>What a tool returned.</summary>
/// <param name="Content">The result as text (JSON or prose), given to the model.</param>
/// <param name="IsError">True when the tool reports a failure (the model sees it; the task goes on).</param>
public sealed record ToolResult(string Content, bool IsError = false);
