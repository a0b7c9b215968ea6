// How the CLI turns a profile's model route into a client: Strata's engine in process, or an OpenAI-compatible endpoint.
using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using Strata.Agents;
using Strata.Engine;

namespace Strata.Cli;

/// <summary>The route factory the CLI gives <see cref="AgentHost.CreateAsync"/>.</summary>
internal static class AgentRoutes
{
    public static IChatClient Connect(RouteSpec spec) => spec.Kind switch
    {
        RouteKind.InProcess => new StrataChatClient(DefaultModel.Resolve(spec.Model), new StrataChatClientOptions { MaxConcurrent = 1 }),
        RouteKind.Remote => Remote(spec),
        _ => throw new ArgumentException($"route '{spec.Name}': kind {spec.Kind} is not made by the CLI"),
    };

    private static IChatClient Remote(RouteSpec spec)
    {
        if (spec.Endpoint is null || !Uri.TryCreate(spec.Endpoint, UriKind.Absolute, out var endpoint))
        {
            throw new ArgumentException($"route '{spec.Name}': a remote route needs 'endpoint', an absolute URL (found '{spec.Endpoint}')");
        }

        var key = spec.ApiKeyVariable is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
        var client = new OpenAIClient(new ApiKeyCredential(key ?? "none"), new OpenAIClientOptions { Endpoint = endpoint });
        return client.GetChatClient(spec.Model ?? "default").AsIChatClient();
    }
}
