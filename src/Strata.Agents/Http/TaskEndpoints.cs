// POST /v1/strata/tasks, GET /v1/strata/tasks/{id}, GET …/{id}/evidence, POST …/{id}/cancel: a tenant's tasks over HTTP.
using Microsoft.AspNetCore.Http;
using Strata.Serving;

namespace Strata.Agents;

/// <summary>
/// The task routes. Every route authenticates with the server's keys; a task is visible only to its contract's tenant
/// (another tenant gets 404, as for an unknown id).
/// </summary>
internal sealed class TaskEndpoints(AgentHost host, TaskRunner runner, ServerEndpoints server)
{
    private ICheckpointStore Store => host.Runtime.Options.Store;

    /// <summary>
    /// Submits the body (a task contract) for the caller's tenant and queues its run; 201 with the task. With
    /// <c>?wait=true</c> the reply waits for the run's first stop (completed, failed, waiting for approval), or for the
    /// server to begin stopping, and shows the task as it then stands.
    /// </summary>
    public async Task SubmitAsync(HttpContext context)
    {
        var tenant = server.Authenticate(context);
        var wait = Wait(context);
        using var body = await ServerEndpoints.ReadJsonAsync(context).ConfigureAwait(false);
        TaskContract contract;
        string taskId;
        try
        {
            contract = AgentJson.ReadContract(body.RootElement.GetRawText(), host.Runtime.Options.Time.GetUtcNow());
            if (!string.Equals(contract.Tenant, tenant, StringComparison.Ordinal))
            {
                throw new ApiError(403, $"the contract's tenant '{contract.Tenant}' is not the tenant of your API key ('{tenant}')",
                    "invalid_request_error", "$.tenant", "tenant_mismatch");
            }

            if (!runner.Accepting)
            {
                throw new ApiError(503, "the server is stopping and takes no new task; submit it again once it is back",
                    "server_error", null, "shutting_down", retryAfterSeconds: 1);
            }

            taskId = host.Runtime.Submit(contract, host.ProfileJson);
        }
        catch (ContractException error)
        {
            throw ApiError.BadRequest($"invalid task contract: {error.Message}", error.Field, "invalid_contract");
        }

        var run = runner.Enqueue(taskId);
        if (wait)
        {
            await FirstStopAsync(run, context.RequestAborted).ConfigureAwait(false);
        }

        context.Response.Headers.Location = $"/v1/strata/tasks/{taskId}";
        await AgentHttp.ReplyAsync(context, StatusCodes.Status201Created, TaskView.Of(Store.FindTask(taskId)!, Store)).ConfigureAwait(false);
    }

    /// <summary>The task: status, stop reason, answer, steps in short, pending approvals.</summary>
    public Task GetAsync(HttpContext context)
    {
        var task = AgentHttp.OwnTask(Store, AgentHttp.Route(context, "id"), server.Authenticate(context));
        return AgentHttp.ReplyAsync(context, StatusCodes.Status200OK, TaskView.Of(task, Store));
    }

    /// <summary>The task's ledger records and the verdict of checking their hash chain.</summary>
    public Task EvidenceAsync(HttpContext context)
    {
        var task = AgentHttp.OwnTask(Store, AgentHttp.Route(context, "id"), server.Authenticate(context));
        return AgentHttp.ReplyAsync(context, StatusCodes.Status200OK, EvidenceView.Of(task.TaskId, Store));
    }

    /// <summary>
    /// Cancels the task (its run in progress is interrupted first) and queues the run that compensates its completed
    /// steps; 200 with the task; 409 when it has already finished or is already stopping.
    /// </summary>
    public async Task CancelAsync(HttpContext context)
    {
        var tenant = server.Authenticate(context);
        using var body = await ServerEndpoints.ReadJsonAsync(context).ConfigureAwait(false);
        var person = PersonRequest.Parse(body.RootElement);
        var task = AgentHttp.OwnTask(Store, AgentHttp.Route(context, "id"), tenant);
        var cancelled = await runner.ExclusiveAsync(task.TaskId, () => host.Runtime.Cancel(task.TaskId, person.By, person.Reason),
            context.RequestAborted).ConfigureAwait(false);
        if (!cancelled)
        {
            var now = Store.FindTask(task.TaskId)!;
            throw new ApiError(409, $"task '{task.TaskId}' is {AgentHttp.Name(now.Status)} ({now.StopReason}): there is nothing to cancel",
                "invalid_request_error", null, "task_finished");
        }

        _ = runner.Enqueue(task.TaskId);
        await AgentHttp.ReplyAsync(context, StatusCodes.Status200OK, TaskView.Of(Store.FindTask(task.TaskId)!, Store)).ConfigureAwait(false);
    }

    // Waits for the run; a run interrupted by the server stopping answers with the task as it stands (a failed run is a 500).
    private static async Task FirstStopAsync(Task<TaskRunResult> run, CancellationToken aborted)
    {
        try
        {
            await run.WaitAsync(aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            // the server began to stop: the task resumes at its next start
        }
    }

    private static bool Wait(HttpContext context) => context.Request.Query["wait"].ToString() switch
    {
        "" or "false" => false,
        "true" => true,
        var other => throw ApiError.BadRequest($"query parameter 'wait' must be true or false; found '{other}'", "wait", "invalid_query"),
    };
}
