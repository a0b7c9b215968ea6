// Puts the agent runtime on a Strata server: the task and approval routes under the server's tenants and keys, and their runner.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Strata.Serving;

namespace Strata.Agents;

/// <summary>
/// The <see cref="ServerExtension"/> that serves an <see cref="AgentHost"/>'s runtime:
/// <c>POST /v1/strata/tasks</c>, <c>GET /v1/strata/tasks/{id}</c>, <c>GET /v1/strata/tasks/{id}/evidence</c>,
/// <c>POST /v1/strata/tasks/{id}/cancel</c>, <c>GET /v1/strata/approvals</c> and
/// <c>POST /v1/strata/approvals/{id}/approve|deny</c>. Tasks are submitted with the host's profile and run one at a
/// time in the background; every unfinished task of the store is resumed when the server starts (with this profile).
/// </summary>
public static class AgentServerExtension
{
    /// <summary>The logger category of the task runner.</summary>
    public const string LogCategory = "Strata.Agents";

    /// <summary>The extension for <paramref name="host"/>; the caller keeps the host (and its store) until the server is disposed.</summary>
    public static ServerExtension Create(AgentHost host) => new()
    {
        Services = services =>
        {
            services.AddSingleton(provider => new TaskRunner(host.Runtime,
                provider.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory), provider.GetRequiredService<IHostApplicationLifetime>(),
                provider.GetService<INodeMembership>()));
            services.AddHostedService(provider => provider.GetRequiredService<TaskRunner>());
        },
        Endpoints = server => Map(server, host, server.Services.GetRequiredService<TaskRunner>()),
    };

    private static void Map(ServerEndpoints server, AgentHost host, TaskRunner runner)
    {
        var tasks = new TaskEndpoints(host, runner, server);
        var approvals = new ApprovalEndpoints(host, runner, server);
        server.MapPost("/v1/strata/tasks", AgentHttp.Guarded(tasks.SubmitAsync));
        server.MapGet("/v1/strata/tasks/{id}", AgentHttp.Guarded(tasks.GetAsync));
        server.MapGet("/v1/strata/tasks/{id}/evidence", AgentHttp.Guarded(tasks.EvidenceAsync));
        server.MapPost("/v1/strata/tasks/{id}/cancel", AgentHttp.Guarded(tasks.CancelAsync));
        server.MapGet("/v1/strata/approvals", AgentHttp.Guarded(approvals.ListAsync));
        server.MapPost("/v1/strata/approvals/{id}/approve", AgentHttp.Guarded(context => approvals.ResolveAsync(context, approve: true)));
        server.MapPost("/v1/strata/approvals/{id}/deny", AgentHttp.Guarded(context => approvals.ResolveAsync(context, approve: false)));
    }
}
