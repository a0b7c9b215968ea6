// `strata serve`: loads the models, starts one scheduler per model and maps the OpenAI-compatible API on Kestrel.
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Strata.Engine.Artifacts;
using Strata.Engine.Runtime;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>A running server: Kestrel, the schedulers and their models. Dispose to stop and unload.</summary>
public sealed class StrataServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Scheduler> _schedulers;
    private readonly ServingMetrics _metrics;

    private StrataServer(WebApplication app, List<Scheduler> schedulers, ServingMetrics metrics, IReadOnlyList<string> urls)
    {
        _app = app;
        _schedulers = schedulers;
        _metrics = metrics;
        Urls = urls;
    }

    /// <summary>The addresses Kestrel listens on (with the real port when 0 was asked).</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>Names and files of the served models.</summary>
    public IReadOnlyList<(string Name, string Path)> Models => _schedulers.ConvertAll(s => (s.Name, s.Runtime.Model.Path));

    /// <summary>Loads every model, then starts listening on <paramref name="host"/>:<paramref name="port"/> (0 = any free port).</summary>
    /// <exception cref="ArgumentException">a model name repeats or the config is invalid</exception>
    /// <exception cref="ModelFormatException">a model file is malformed</exception>
    public static async Task<StrataServer> StartAsync(IReadOnlyList<ModelConfig> models, string host, int port, ServerConfig config,
        CancellationToken cancellation = default)
    {
        config.Validate();
        var all = new List<ModelConfig>(models);
        all.AddRange(config.Models);
        if (all.Count == 0)
        {
            throw new ArgumentException("no model to serve: give --model [NAME=]PATH or list models in the config");
        }

        var admission = new Admission(config.QueueCapacity);
        var schedulers = new List<Scheduler>();
        var metrics = new ServingMetrics(() => schedulers);
        try
        {
            foreach (var m in all)
            {
                if (schedulers.Exists(s => s.Name == m.Name))
                {
                    throw new ArgumentException($"two models are named '{m.Name}'");
                }

                var runtime = ModelRuntime.Load(m.Path, null, EngineOptionsFor(m.Path, config));
                schedulers.Add(new Scheduler(m.Name, runtime, config.MaxRunning, admission, metrics));
            }

            var state = new ServerState(config, schedulers, admission, metrics);
            var app = Build(state, host, port);
            await app.StartAsync(cancellation);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            await WarmUp(addresses, cancellation);
            return new StrataServer(app, schedulers, metrics, addresses);
        }
        catch
        {
            foreach (var s in schedulers)
            {
                s.Dispose();
                s.Runtime.Dispose();
            }

            metrics.Dispose();
            throw;
        }
    }

    // The first scrape of /metrics compiles the exporter (about a second on a busy 2-core machine): do it before the first
    // client can be waiting on it.
    private static async Task WarmUp(List<string> addresses, CancellationToken cancellation)
    {
        if (addresses.Count == 0 || !Uri.TryCreate(addresses[0], UriKind.Absolute, out var uri))
        {
            return;
        }

        var loopback = new UriBuilder(uri) { Host = uri.Host is "0.0.0.0" or "[::]" ? "127.0.0.1" : uri.Host }.Uri;
        using var client = new HttpClient { BaseAddress = loopback, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            (await client.GetAsync("/metrics", cancellation)).Dispose();
            (await client.GetAsync("/health/live", cancellation)).Dispose();
        }
        catch (HttpRequestException)
        {
            // Not reachable from here (unusual bind): the first real scrape pays instead.
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
        }
    }

    /// <summary>The engine options for one served model: slots, batch, KV pool from the budget.</summary>
    public static EngineOptions EngineOptionsFor(string modelPath, ServerConfig config)
    {
        int threads = config.Threads == 0 ? Environment.ProcessorCount : config.Threads;
        var kvType = config.KvType == "f16" ? Kernels.GgmlType.F16 : Kernels.GgmlType.F32;
        int blocks = 0;
        if (config.KvBudgetMib > 0)
        {
            using var artifact = ModelArtifact.Open(modelPath);
            long blockBytes = 2L * artifact.Spec.Layers * config.BlockTokens * Kernels.GgmlTypeInfo.RowBytes(kvType, artifact.Spec.KvDim);
            int context = config.Context == 0 ? Math.Min(artifact.Spec.ContextLength, EngineOptions.DefaultContextCap) : config.Context;
            int oneContext = (context + config.BlockTokens - 1) / config.BlockTokens;
            blocks = Math.Max(oneContext + 1, (int)Math.Min(int.MaxValue, config.KvBudgetMib * (1L << 20) / blockBytes));
        }

        return new EngineOptions(Threads: threads, ContextTokens: config.Context, BatchTokens: Math.Max(config.BatchTokens, config.MaxRunning + 1),
            BlockTokens: config.BlockTokens, Sequences: config.MaxRunning,
            Mode: config.Numerics == "fast" ? Kernels.NumericMode.QuantizedActivations : Kernels.NumericMode.Exact, KvBlocks: blocks,
            BatchInvariant: config.BatchInvariant, KvType: kvType, Load: config.Mmap ? Substrate.FileLoad.Map : Substrate.FileLoad.Copy);
    }

    /// <summary>Completes when the host stops (Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation = default) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, cancellation);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        foreach (var s in _schedulers)
        {
            s.Dispose();
        }

        await _app.DisposeAsync();
        foreach (var s in _schedulers)
        {
            s.Runtime.Dispose();
        }

        _metrics.Dispose();
    }

    private static WebApplication Build(ServerState state, string host, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None); // a failed start is reported once, by the caller
        builder.WebHost.UseUrls($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = state.Config.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        string? otlp = state.Config.OtlpEndpoint;
        builder.Services.AddOpenTelemetry()
            .WithMetrics(m =>
            {
                m.AddMeter(state.Metrics.Name).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp is not null)
                {
                    m.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            })
            .WithTracing(t =>
            {
                t.AddSource(ServingMetrics.MeterName);
                if (otlp is not null)
                {
                    t.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });
        var app = builder.Build();
        var completions = new CompletionHandler(state);
        app.Use(async (context, next) =>
        {
            using var activity = ServingMetrics.Activities.StartActivity("strata.request", ActivityKind.Server);
            activity?.SetTag("http.route", context.Request.Path.Value);
            string id = activity is not null ? activity.TraceId.ToHexString() : TraceId.NewRandom().Value;
            context.Items[ServerState.TraceItem] = id;
            context.Response.Headers["X-Strata-Trace-Id"] = id;
            try
            {
                await next(context);
            }
            catch (ApiError e)
            {
                await WriteError(context, e);
            }
            catch (BadHttpRequestException e)
            {
                await WriteError(context, new ApiError(e.StatusCode, e.Message, "invalid_request_error", null, "bad_request"));
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // client gone
            }
#pragma warning disable CA1031 // the last line of defence: a clear 500, never an unhandled exception
            catch (Exception e)
#pragma warning restore CA1031
            {
                await WriteError(context, new ApiError(500, $"internal error ({e.GetType().Name}): {e.Message}", "server_error", null, "internal_error"));
            }
        });
        app.MapPost("/v1/chat/completions", context => completions.Handle(context, chat: true));
        app.MapPost("/v1/completions", context => completions.Handle(context, chat: false));
        app.MapGet("/v1/models", context => ListModels(context, state));
        app.MapGet("/v1/strata/evidence/{traceId}", context => GetEvidence(context, state));
        app.MapGet("/health/live", context => WriteJson(context, 200, w => w.WriteString("status", "live")));
        app.MapGet("/health/ready", context => Ready(context, state));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFallback(context => throw new ApiError(404, $"no endpoint {context.Request.Method} {context.Request.Path}", "invalid_request_error", null, "not_found"));
        return app;
    }

    private static Task ListModels(HttpContext context, ServerState state)
    {
        var tenant = state.Authenticate(context);
        return WriteJson(context, 200, w =>
        {
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var s in state.ModelsFor(tenant))
            {
                w.WriteStartObject();
                w.WriteString("id", s.Name);
                w.WriteString("object", "model");
                w.WriteNumber("created", new DateTimeOffset(File.GetLastWriteTimeUtc(s.Runtime.Model.Path)).ToUnixTimeSeconds());
                w.WriteString("owned_by", "strata");
                w.WriteNumber("context_length", s.Runtime.ContextTokens);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static async Task GetEvidence(HttpContext context, ServerState state)
    {
        var tenant = state.Authenticate(context);
        string id = (string)context.Request.RouteValues["traceId"]!;
        var record = state.Evidence.Find(id, tenant.Name)
            ?? throw new ApiError(404, $"no evidence for trace id '{id}' (it is unknown, not yours, or has been dropped)", "invalid_request_error", null, "not_found");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(record.ToJson(), context.RequestAborted);
    }

    private static Task Ready(HttpContext context, ServerState state)
    {
        string? fault = null;
        foreach (var s in state.Schedulers)
        {
            fault ??= s.LastFault;
        }

        bool full = state.Admission.Queued >= state.Config.QueueCapacity;
        int status = fault is null && !full && !ModelFileStatus.AnyMappedChanged(state.Schedulers) ? 200 : 503;
        return WriteJson(context, status, w =>
        {
            w.WriteString("status", status == 200 ? "ready" : "not_ready");
            w.WriteNumber("queued", state.Admission.Queued);
            w.WriteNumber("queue_capacity", state.Config.QueueCapacity);
            if (fault is not null)
            {
                w.WriteString("fault", fault);
            }

            ModelFileStatus.Write(w, state.Schedulers);
        });
    }

    private static Task WriteError(HttpContext context, ApiError error)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask; // a stream already under way ends here; its events said what they could
        }

        context.Response.Clear();
        context.Response.Headers["X-Strata-Trace-Id"] = (string?)context.Items[ServerState.TraceItem] ?? string.Empty;
        if (error.RetryAfterSeconds > 0)
        {
            context.Response.Headers.RetryAfter = error.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteJson(context, error.Status, error.Write, wrap: false);
    }

    private static async Task WriteJson(HttpContext context, int status, Action<Utf8JsonWriter> body, bool wrap = true)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (wrap)
            {
                w.WriteStartObject();
            }

            body(w);
            if (wrap)
            {
                w.WriteEndObject();
            }
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
