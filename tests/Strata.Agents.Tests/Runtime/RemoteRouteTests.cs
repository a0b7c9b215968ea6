// A remote model route: the official OpenAI client against a real Strata server, the call's evidence linked by trace id.
using System.ClientModel;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using Strata.Engine.Tests;
using Strata.Evidence;
using Strata.Serving;

namespace Strata.Agents.Tests.Runtime;

public sealed class RemoteRouteTests
{
    [Fact]
    public async Task Run_RemoteStrataServer_LinksEachModelCallToTheServersEvidence()
    {
        var config = new ServerConfig { Tenants = [new TenantConfig { Name = "acme", ApiKeys = ["key-acme"] }], Threads = 2 };
        await using var server = await StrataServer.StartAsync([new ModelConfig { Name = "stories", Path = SharedModels.File("stories260K.gguf") }],
            ["http://127.0.0.1:0"], config);
        var endpoint = new Uri(server.Urls[0] + "/v1");
        using var client = new OpenAIClient(new ApiKeyCredential("key-acme"), new OpenAIClientOptions { Endpoint = endpoint })
            .GetChatClient("stories").AsIChatClient();
        using var bed = new AgentTestBed();
        var runtime = new AgentRuntime(bed.Runtime([new ModelRoute("server", RouteLocality.Remote, client, endpoint.ToString())]).Options with
        {
            MaxOutputTokens = 16,
            Seed = 1,
        });

        var id = runtime.Submit(bed.Contract());
        var result = await runtime.RunAsync(id);

        Assert.Equal(AgentTaskStatus.Completed, result.Status);
        var completed = Assert.Single(bed.Store.Ledger(id), e => e.Kind == "model.completed");
        var traceId = JsonDocument.Parse(completed.PayloadJson).RootElement.GetProperty("trace_id").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        using var http = new HttpClient { BaseAddress = new Uri(server.Urls[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "key-acme");
        using var evidence = await http.GetAsync(new Uri($"/v1/strata/evidence/{traceId}", UriKind.Relative));
        Assert.True(evidence.IsSuccessStatusCode, $"{evidence.StatusCode} for trace {traceId}");

        // The same server, for a restricted task, is refused before any byte leaves the process.
        var restricted = runtime.Submit(bed.Contract() with { Classification = DataClassification.Restricted });
        var refused = await runtime.RunAsync(restricted);
        Assert.Equal("no_route", refused.StopReason);
        Assert.DoesNotContain(bed.Store.Ledger(restricted), e => e.Kind == "model.started");
    }
}
