// GET /v1/strata/approvals, POST /v1/strata/approvals/{id}/approve|deny: a tenant's approvals over HTTP.
using Microsoft.AspNetCore.Http;
using Strata.Serving;

namespace Strata.Agents;

/// <summary>
/// The approval routes. A caller sees and resolves only its own tenant's approvals; another tenant's is 404, as an
/// unknown id. A resolution is recorded by the store (with who and why, in the task's ledger), then the task's run is
/// queued so it goes on.
/// </summary>
internal sealed class ApprovalEndpoints(AgentHost host, TaskRunner runner, ServerEndpoints server)
{
    private ICheckpointStore Store => host.Runtime.Options.Store;

    /// <summary>The caller's approvals, oldest first: <c>?status=pending</c> (the default), <c>approved</c>, <c>denied</c> or <c>all</c>; <c>?task_id=</c> one task's.</summary>
    public Task ListAsync(HttpContext context)
    {
        var tenant = server.Authenticate(context);
        var status = Status(context);
        var taskId = context.Request.Query["task_id"].ToString() is { Length: > 0 } id ? id : null;
        var mine = new List<ApprovalRecord>();
        foreach (var approval in Store.Approvals(taskId, status))
        {
            if (string.Equals(approval.Tenant, tenant, StringComparison.Ordinal))
            {
                mine.Add(approval);
            }
        }

        return AgentHttp.ReplyAsync(context, StatusCodes.Status200OK, ListReply<ApprovalRecord>.Of(mine));
    }

    /// <summary>Approves or denies; 200 with the resolved approval; 409 when it was already resolved.</summary>
    public async Task ResolveAsync(HttpContext context, bool approve)
    {
        var tenant = server.Authenticate(context);
        using var body = await ServerEndpoints.ReadJsonAsync(context).ConfigureAwait(false);
        var person = PersonRequest.Parse(body.RootElement);
        var approval = AgentHttp.OwnApproval(Store, AgentHttp.Route(context, "id"), tenant);
        switch (host.Runtime.Resolve(approval.ApprovalId, approve, person.By, person.Reason))
        {
            case ApprovalResolution.NotFound:
                throw ApiError.NotFound($"no approval '{approval.ApprovalId}' (it is unknown or not yours)");
            case ApprovalResolution.AlreadyResolved:
                var resolved = Store.FindApproval(approval.ApprovalId)!;
                throw new ApiError(409, $"approval '{approval.ApprovalId}' was already {AgentHttp.Name(resolved.Status)} by {resolved.ResolvedBy} "
                    + $"at {resolved.ResolvedAt:O}; nothing changed", "invalid_request_error", null, "approval_resolved");
            default:
                _ = runner.Enqueue(approval.TaskId);
                await AgentHttp.ReplyAsync(context, StatusCodes.Status200OK, Store.FindApproval(approval.ApprovalId)!).ConfigureAwait(false);
                return;
        }
    }

    private static ApprovalStatus? Status(HttpContext context) => context.Request.Query["status"].ToString() switch
    {
        "" or "pending" => ApprovalStatus.Pending,
        "approved" => ApprovalStatus.Approved,
        "denied" => ApprovalStatus.Denied,
        "all" => null,
        var other => throw ApiError.BadRequest($"query parameter 'status' must be pending, approved, denied or all; found '{other}'", "status", "invalid_query"),
    };
}
