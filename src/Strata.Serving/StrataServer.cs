// `strata serve`: loads the models, starts one scheduler per model and maps the OpenAI-compatible API on Kestrel.
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Strata.Engine.Artifacts;
using Strata.Engine.Runtime;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>A running server: Kestrel, the schedulers and their models. Dispose to stop and unload.</summary>
public sealed class StrataServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ModelSet _schedulers;
    private readonly ServingMetrics _metrics;
    private readonly IReadOnlyList<EmbeddingModel> _embeddings;

    private StrataServer(WebApplication app, ModelSet schedulers, IReadOnlyList<EmbeddingModel> embeddings, ServingMetrics metrics, IReadOnlyList<string> urls)
    {
        _app = app;
        _schedulers = schedulers;
        _embeddings = embeddings;
        _metrics = metrics;
        Urls = urls;
    }

    /// <summary>The addresses Kestrel listens on (with the real port when 0 was asked).</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>Names and files of the served models, generation models first, then embedding models.</summary>
    public IReadOnlyList<(string Name, string Path)> Models =>
        [.. _schedulers.All.Select(s => (s.Name, s.Runtime.Model.Path)), .. _embeddings.Select(e => (e.Name, e.Path))];

    /// <summary>Loads every model, then starts listening on <paramref name="host"/>:<paramref name="port"/> (0 = any free port).</summary>
    /// <exception cref="ArgumentException">a model name repeats, the config is invalid, or the host is refused (see <see cref="ListenUrls"/>)</exception>
    /// <exception cref="ModelFormatException">a model file is malformed</exception>
    public static Task<StrataServer> StartAsync(IReadOnlyList<ModelConfig> models, string host, int port, ServerConfig config,
        CancellationToken cancellation = default) =>
        StartAsync(models, [ListenUrls.FromHostPort(host, port)], config, cancellation: cancellation);

    /// <summary>Loads every model, then starts listening on <paramref name="urls"/> (http URLs; port 0 = any free port).</summary>
    /// <param name="models">models beside those of the config</param>
    /// <param name="urls">where to listen</param>
    /// <param name="config">the server's configuration</param>
    /// <param name="extension">
    /// services and endpoints a higher layer adds (see <see cref="ServerExtension"/>); a <see cref="TimeProvider"/>
    /// registered by its services is the clock of every arrival, deadline, token bucket and timing
    /// </param>
    /// <param name="cancellation">cancels the start</param>
    /// <exception cref="ArgumentException">a model name repeats, the config is invalid, or a URL is refused (see <see cref="ListenUrls"/>)</exception>
    /// <exception cref="ModelFormatException">a model file is malformed</exception>
    public static async Task<StrataServer> StartAsync(IReadOnlyList<ModelConfig> models, IReadOnlyList<string> urls, ServerConfig config,
        ServerExtension? extension = null, CancellationToken cancellation = default)
    {
        config.Validate();
        ListenUrls.Check(urls, "listen URL", keyed: config.Tenants.Count > 0, config.AllowUnauthenticated);
        var all = new List<ModelConfig>(models);
        all.AddRange(config.Models);
        if (all.Count == 0)
        {
            throw new ArgumentException("no model to serve: give --model [NAME=]PATH or list models in the config");
        }

        if (config.Cluster.Enabled)
        {
            // A model with a replica count is the cluster's to place: a node loads it when placement assigns it one, so
            // a node never loads, even at start, what its memory budget or the model's count leaves to others.
            all.RemoveAll(m => m.Replicas > 0);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in all)
        {
            if (!names.Add(m.Name))
            {
                throw new ArgumentException($"two models are named '{m.Name}'");
            }
        }

        var schedulers = new ModelSet();
        var metrics = new ServingMetrics(() => schedulers.All);
        var app = Build(config, metrics, urls, extension?.Services);
        var time = app.Services.GetRequiredService<TimeProvider>();
        var admission = new Admission(config.QueueCapacity, config.MaxRunning, time, app.Services.GetService<ITenantLimits>());
        var embeddings = new List<EmbeddingModel>();
        try
        {
            foreach (var m in all.Where(m => m.IsEmbeddingModel()))
            {
                embeddings.Add(EmbeddingModel.Open(m, extension?.OpenEmbedder, config.Threads == 0 ? Environment.ProcessorCount : config.Threads));
            }

            foreach (var m in all.Where(m => !m.IsEmbeddingModel()))
            {
                var runtime = ModelRuntime.Load(m.Path, null, EngineOptionsFor(m.Path, config));
                schedulers.Add(new Scheduler(m.Name, runtime, config.MaxRunning, admission, metrics, time));
            }

            Map(app, new ServerState(config, schedulers, admission, metrics, time) { Archive = app.Services.GetService<IEvidenceArchive>(), Embeddings = embeddings },
                extension?.Endpoints);
            await app.StartAsync(cancellation);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            await WarmUp(addresses, cancellation);
            return new StrataServer(app, schedulers, embeddings, metrics, addresses);
        }
        catch
        {
            foreach (var s in schedulers.All)
            {
                s.Dispose();
                s.Runtime.Dispose();
            }

            foreach (var e in embeddings)
            {
                e.Dispose();
            }

            metrics.Dispose();
            await app.DisposeAsync();
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
            int oneContext = (int)(((long)context + config.BlockTokens - 1) / config.BlockTokens);
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
        var schedulers = _schedulers.All;
        foreach (var s in schedulers)
        {
            s.Dispose();
        }

        await _app.DisposeAsync();
        foreach (var s in schedulers)
        {
            s.Runtime.Dispose();
        }

        foreach (var e in _embeddings)
        {
            e.Dispose();
        }

        _metrics.Dispose();
    }

    // The host and its services; the routes come later (Map), once the models are loaded with the container's clock.
    private static WebApplication Build(ServerConfig config, ServingMetrics metrics, IReadOnlyList<string> urls, Action<IServiceCollection>? services)
    {
        var builder = WebApplication.CreateSlimBuilder();
        services?.Invoke(builder.Services);
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Strata's logging defaults sit below every other configuration source, so appsettings.json and environment
        // variables (Logging__Console__FormatterName=json, Logging__LogLevel__Strata.Requests=Warning) override them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = LoggingDefaults,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole();

        // The console provider did not apply Logging:Console:FormatterName from the configuration here (json stayed simple),
        // so the configured name is applied explicitly; an unknown name falls back to simple, as the provider does.
        string formatter = builder.Configuration["Logging:Console:FormatterName"] is { Length: > 0 } f ? f : ConsoleFormatterNames.Simple;
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = formatter);
        builder.Services.PostConfigure<JsonConsoleFormatterOptions>(o => o.TimestampFormat = o.TimestampFormat?.TrimEnd()); // the space separates simple lines
        builder.WebHost.UseUrls([.. urls]);
        var drain = TimeSpan.FromMilliseconds(config.ShutdownDrainMs);
        // Kestrel aborts the connections still open when the host's shutdown timeout passes; the drain ends the requests
        // first, so the timeout only has to leave their final events time to go out.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = drain + TimeSpan.FromSeconds(10));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = config.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        string? otlp = config.OtlpEndpoint;
        string service = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } named ? named : DefaultServiceName;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(service, serviceVersion: typeof(StrataServer).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m =>
            {
                m.AddMeter(metrics.Name).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
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
        return builder.Build();
    }

    private static void Map(WebApplication app, ServerState state, Action<ServerEndpoints>? extend)
    {
        var drain = TimeSpan.FromMilliseconds(state.Config.ShutdownDrainMs);
        app.Lifetime.ApplicationStopping.Register(() => EndAfterDrain(state.Models, drain, state.Time));
        var completions = new CompletionHandler(state);
        var embeddings = new EmbeddingsHandler(state);
        var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLog.Category);
        app.Use(async (context, next) =>
        {
            long start = state.Time.GetTimestamp();
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
            finally
            {
                RequestLog.Write(requests, context, id, state.Time.GetElapsedTime(start).TotalMilliseconds);
            }
        });
        var routes = new RouteTable(app);
        routes.MapPost("/v1/chat/completions", context => completions.Handle(context, chat: true));
        routes.MapPost("/v1/completions", context => completions.Handle(context, chat: false));
        routes.MapPost(EmbeddingsHandler.Endpoint, embeddings.Handle);
        routes.MapGet("/v1/models", context => InfoEndpoints.ListModels(context, state));
        routes.MapGet("/v1/strata/evidence/{traceId}", context => InfoEndpoints.GetEvidence(context, state));
        routes.MapGet("/health/live", context => InfoEndpoints.WriteJson(context, 200, w => w.WriteString("status", "live")));
        routes.MapGet("/health/ready", context => InfoEndpoints.Ready(context, state));
        app.MapPrometheusScrapingEndpoint("/metrics");
        routes.Know("/metrics", HttpMethods.Get);
        extend?.Invoke(new ServerEndpoints(routes, state, app));
        app.MapFallback(routes.NoEndpoint);
    }

    /// <summary>The OpenTelemetry service name when OTEL_SERVICE_NAME is not set.</summary>
    public const string DefaultServiceName = "strata";

    private static readonly Dictionary<string, string?> LoggingDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:" + RequestLog.Category] = "Information",
        ["Logging:LogLevel:Microsoft.Extensions.Hosting"] = "None", // a failed start is reported once, by the caller
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
        ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
    };

    // Once the drain window after a shutdown signal has passed, every scheduler ends its sequences (with a final event).
    private static void EndAfterDrain(ModelSet schedulers, TimeSpan drain, TimeProvider time) =>
        _ = Task.Delay(drain, time).ContinueWith(_ =>
        {
            foreach (var s in schedulers.All)
            {
                s.Stop();
            }
        }, TaskScheduler.Default);

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

        if (error.Allow is not null)
        {
            context.Response.Headers.Allow = error.Allow;
        }

        return InfoEndpoints.WriteJson(context, error.Status, error.Write, wrap: false);
    }
}
