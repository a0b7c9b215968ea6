// What the task and approval routes share: JSON replies, the store's failures as a clear 500, and finding a tenant's own rows.
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Strata.Serving;

namespace Strata.Agents;

/// <summary>Replies and lookups of the task routes.</summary>
internal static class AgentHttp
{
    /// <summary>The replies' JSON: the task files' conventions (snake_case, enums by snake_case name) with nulls written.</summary>
    public static readonly JsonSerializerOptions ReplyOptions = CreateReplyOptions();

    /// <summary>Writes <paramref name="value"/> as the reply.</summary>
    public static async Task ReplyAsync<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, ReplyOptions, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Runs a handler; a store that fails (damaged file, locked past its timeout) is a 500 naming it.</summary>
    public static RequestDelegate Guarded(RequestDelegate handler) => async context =>
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (StoreException error)
        {
            throw new ApiError(500, $"the agent store failed: {error.Message}", "server_error", null, "store_error");
        }
    };

    /// <summary>The task with this id if it belongs to <paramref name="tenant"/>.</summary>
    /// <exception cref="ApiError">404 when it is unknown or another tenant's (the two are not told apart)</exception>
    public static StoredTask OwnTask(ICheckpointStore store, string taskId, string tenant) =>
        store.FindTask(taskId) is { } task && string.Equals(task.Tenant, tenant, StringComparison.Ordinal)
            ? task
            : throw ApiError.NotFound($"no task '{taskId}' (it is unknown or not yours)");

    /// <summary>The approval with this id if it belongs to <paramref name="tenant"/>.</summary>
    /// <exception cref="ApiError">404 when it is unknown or another tenant's (the two are not told apart)</exception>
    public static ApprovalRecord OwnApproval(ICheckpointStore store, string approvalId, string tenant) =>
        store.FindApproval(approvalId) is { } approval && string.Equals(approval.Tenant, tenant, StringComparison.Ordinal)
            ? approval
            : throw ApiError.NotFound($"no approval '{approvalId}' (it is unknown or not yours)");

    /// <summary>A route value.</summary>
    public static string Route(HttpContext context, string name) => (string)context.Request.RouteValues[name]!;

    /// <summary>An enum value as the replies write it (<c>waiting_approval</c>).</summary>
    public static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static JsonSerializerOptions CreateReplyOptions()
    {
        var options = new JsonSerializerOptions(AgentJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
        options.MakeReadOnly();
        return options;
    }
}
