// A higher layer's endpoints and services on the server: its keys, its error shape, its 405s, and a hosted service's lifetime.
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Strata.Serving.Tests;

public sealed class ServerExtensionTests
{
    [Fact]
    public async Task Extension_EndpointsAuthenticateAndFailAsTheServersOwn_HostedServiceLivesWithTheServer()
    {
        var lifetime = new Lifetime();
        var extension = new ServerExtension
        {
            Services = services => services.AddHostedService(_ => lifetime),
            Endpoints = server =>
            {
                server.MapGet("/v1/test/tenant", async context => await context.Response.WriteAsync(server.Authenticate(context)));
                server.MapPost("/v1/test/echo", async context =>
                {
                    server.Authenticate(context);
                    using var body = await ServerEndpoints.ReadJsonAsync(context);
                    throw ApiError.BadRequest($"refused {body.RootElement.GetProperty("x").GetInt32()}", "x", "refused");
                });
            },
        };
        var server = await StrataServer.StartAsync([new ModelConfig { Name = ServerFixture.Model, Path = ServerFixture.ModelPath }],
            ["http://127.0.0.1:0"], ServerFixture.Config(), extension);
        Assert.True(lifetime.Started.Task.IsCompleted);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.Urls[0]) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/test/tenant")).StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerFixture.KeyB);
            Assert.Equal("beta", await http.GetStringAsync("/v1/test/tenant"));

            using var refused = await http.PostAsync("/v1/test/echo", new StringContent("{\"x\": 7}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal(("refused 7", "x", "refused"), (error.GetProperty("message").GetString(), error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
            Assert.True(refused.Headers.Contains("X-Strata-Trace-Id"));
            using var text = new StringContent("{\"x\": 7}", System.Text.Encoding.UTF8, "text/plain");
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.PostAsync("/v1/test/echo", text)).StatusCode);

            using var wrong = await http.GetAsync("/v1/test/echo");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrong.StatusCode);
            Assert.Equal(["POST"], wrong.Content.Headers.Allow);
            Assert.False(lifetime.Stopped.Task.IsCompleted);
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.True(lifetime.Stopped.Task.IsCompleted);
    }

    private sealed class Lifetime : IHostedService
    {
        public TaskCompletionSource Started { get; } = new();

        public TaskCompletionSource Stopped { get; } = new();

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Stopped.TrySetResult();
            return Task.CompletedTask;
        }
    }
}
