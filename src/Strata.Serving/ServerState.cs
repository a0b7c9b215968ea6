// What every endpoint shares: tenants and keys, the schedulers by model name, admission, metrics and the evidence store.
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Engine.Generation;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>The server's shared state and the request steps common to endpoints (auth, body, routing, evidence).</summary>
internal sealed class ServerState
{
    public const string TraceItem = "strata.trace_id";
    public const string DeadlineHeader = "X-Strata-Deadline-Ms";

    /// <summary>The authenticated tenant's name, for the request log.</summary>
    public const string TenantItem = "strata.tenant";

    /// <summary>The cluster's routing facts for the request's evidence (set by a cluster node's middleware).</summary>
    public const string ClusterItem = "strata.cluster";

    /// <summary>The request's serving evidence once it has ended, for the request log.</summary>
    public const string ServingItem = "strata.serving";

    private readonly Dictionary<string, Tenant> _byKey = new(StringComparer.Ordinal);
    private readonly Tenant? _local;

    public ServerState(ServerConfig config, ModelSet models, Admission admission, ServingMetrics metrics, TimeProvider time)
    {
        Config = config;
        Time = time;
        Models = models;
        Admission = admission;
        Metrics = metrics;
        Evidence = new EvidenceStore(config.EvidenceRecords);

        if (config.Tenants.Count == 0)
        {
            _local = new Tenant(new TenantConfig { Name = "local" }, time);
        }

        foreach (var t in config.Tenants)
        {
            var tenant = new Tenant(t, time);
            foreach (var key in t.ApiKeys)
            {
                _byKey.Add(key, tenant);
            }
        }
    }

    public ServerConfig Config { get; }

    /// <summary>The server's clock (the DI container's <see cref="TimeProvider"/>): arrivals, deadlines, timings, evidence times.</summary>
    public TimeProvider Time { get; }

    /// <summary>The served models (a cluster node's placement may change them while it runs).</summary>
    public ModelSet Models { get; }

    /// <summary>The schedulers now (a snapshot).</summary>
    public IReadOnlyList<Scheduler> Schedulers => Models.All;

    public Admission Admission { get; }

    public ServingMetrics Metrics { get; }

    public EvidenceStore Evidence { get; }

    /// <summary>The served embedding models (loaded at start, on every node).</summary>
    public IReadOnlyList<EmbeddingModel> Embeddings { get; init; } = [];

    /// <summary>The durable archive a cluster registers (null on a single server).</summary>
    public IEvidenceArchive? Archive { get; init; }

    /// <summary>Loads a model and starts serving it under its name.</summary>
    /// <exception cref="ArgumentException">a model of that name is served already</exception>
    /// <exception cref="Strata.Engine.Artifacts.ModelFormatException">the file is malformed</exception>
    public async Task LoadAsync(ModelConfig model, CancellationToken cancellation)
    {
        if (Models.Find(model.Name) is not null || FindEmbedding(model.Name) is not null)
        {
            throw new ArgumentException($"two models are named '{model.Name}'");
        }

        if (model.IsEmbeddingModel())
        {
            throw new ArgumentException($"model '{model.Name}' is an embedding model: it is loaded at start on every node, never placed");
        }

        var runtime = await Task.Run(() => Strata.Engine.Runtime.ModelRuntime.Load(model.Path, null, StrataServer.EngineOptionsFor(model.Path, Config)), cancellation)
            .ConfigureAwait(false);
        var scheduler = new Scheduler(model.Name, runtime, Config.MaxRunning, Admission, Metrics, Time);
        try
        {
            Models.Add(scheduler);
        }
        catch
        {
            scheduler.Dispose();
            runtime.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops taking requests for a model, lets its sequences finish for up to <paramref name="drain"/>, ends those left
    /// (each with its final event), then frees the model. False when no model of that name is served.
    /// </summary>
    public async Task<bool> UnloadAsync(string name, TimeSpan drain)
    {
        if (Models.Remove(name) is not { } scheduler)
        {
            return false;
        }

        long start = Time.GetTimestamp();
        while (scheduler.Running + scheduler.Waiting > 0 && Time.GetElapsedTime(start) < drain)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), Time).ConfigureAwait(false);
        }

        scheduler.Stop();
        await Task.Delay(TimeSpan.FromSeconds(1), Time).ConfigureAwait(false); // the handlers of the last sequences write their evidence
        scheduler.Dispose();
        scheduler.Runtime.Dispose();
        return true;
    }

    public static string TraceIdOf(HttpContext context) => (string)context.Items[TraceItem]!;

    /// <summary>The tenant of the request's bearer key (or the local tenant when no tenants are configured).</summary>
    public Tenant Authenticate(HttpContext context)
    {
        var tenant = Identify(context);
        context.Items[TenantItem] = tenant.Name;
        return tenant;
    }

    private Tenant Identify(HttpContext context)
    {
        if (_local is not null)
        {
            return _local;
        }

        string? header = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            throw new ApiError(401, "no API key: send 'Authorization: Bearer KEY'", "invalid_request_error", null, "missing_api_key");
        }

        const string Bearer = "Bearer ";
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) || !_byKey.TryGetValue(header[Bearer.Length..].Trim(), out var tenant))
        {
            throw new ApiError(401, "the API key is not valid for this server", "invalid_request_error", null, "invalid_api_key");
        }

        return tenant;
    }

    /// <summary>415 unless the body is sent as JSON.</summary>
    public static void RequireJsonContent(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            // A browser's cross-site form may POST text/plain without a preflight; only JSON runs a generation or a task.
            throw new ApiError(415, $"the request body must be JSON sent with 'Content-Type: application/json'; found '{context.Request.ContentType ?? "no Content-Type"}'",
                "invalid_request_error", null, "unsupported_media_type");
        }
    }

    /// <summary>Reads the body as JSON: 413 past the size limit, 400 naming the position of malformed JSON.</summary>
    public static async Task<JsonDocument> ReadJson(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"the request body is not valid JSON: {e.Message}", null, "invalid_json");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiError(413, $"the request body is larger than this server's limit of {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes",
                "invalid_request_error", null, "request_too_large");
        }
    }

    /// <summary>The scheduler serving <paramref name="model"/> for <paramref name="tenant"/>.</summary>
    public Scheduler Route(string? model, Tenant tenant)
    {
        if (model is null)
        {
            if (Schedulers is [var only] && tenant.MayUse(only.Name))
            {
                return only;
            }

            throw ApiError.BadRequest(Schedulers.Count == 0
                ? "'model' is required, and this server serves no generation model (see GET /v1/models)"
                : "'model' is required: this server serves several models (see GET /v1/models)", "model");
        }

        if (Models.Find(model) is { } scheduler && tenant.MayUse(model))
        {
            return scheduler;
        }

        if (FindEmbedding(model) is not null && tenant.MayUse(model))
        {
            throw ApiError.BadRequest($"the model '{model}' is an embedding model: it serves POST /v1/embeddings, not completions", "model", "wrong_model_kind");
        }

        throw ModelNotFound(model);
    }

    /// <summary>The embedding model <paramref name="model"/> names for <paramref name="tenant"/> (the only one when null).</summary>
    public EmbeddingModel RouteEmbedding(string? model, Tenant tenant)
    {
        if (model is null)
        {
            if (Embeddings is [var only] && tenant.MayUse(only.Name))
            {
                return only;
            }

            throw ApiError.BadRequest("'model' is required: name an embedding model (see GET /v1/models)", "model");
        }

        if (FindEmbedding(model) is { } embedding && tenant.MayUse(model))
        {
            return embedding;
        }

        if (Models.Find(model) is not null && tenant.MayUse(model))
        {
            throw ApiError.BadRequest($"the model '{model}' is a generation model: it does not produce embeddings (serve an embedding model, .onnx, for POST /v1/embeddings)",
                "model", "wrong_model_kind");
        }

        throw ModelNotFound(model);
    }

    /// <summary>
    /// Admits a request costing <paramref name="tokens"/> to <paramref name="model"/> for <paramref name="tenant"/>, or throws
    /// the refusal: 400 naming <paramref name="param"/> when it can never fit, else 429 with Retry-After. Every admitted request
    /// ends with <see cref="Admission.Finished"/>.
    /// </summary>
    public async Task AdmitAsync(Tenant tenant, string model, int tokens, int promptTokens, string param)
    {
        var refusal = await Admission.TryAdmitAsync(tenant, model, tokens, promptTokens);
        if (refusal is not null)
        {
            Metrics.Rejections.Add(1, ServingMetrics.ModelTag(model), new KeyValuePair<string, object?>("reason", refusal.Code));
            throw refusal.Permanent
                ? ApiError.BadRequest(refusal.Message, param, refusal.Code)
                : new ApiError(429, refusal.Message, "rate_limit_error", null, refusal.Code, refusal.RetryAfterSeconds);
        }
    }

    /// <summary>Keeps a finished request's evidence for its tenant (and in the cluster's archive).</summary>
    public void Keep(string tenant, EvidenceRecord record)
    {
        Evidence.Add(tenant, record);
        Archive?.Save(tenant, record);
    }

    private EmbeddingModel? FindEmbedding(string name)
    {
        foreach (var e in Embeddings)
        {
            if (e.Name == name)
            {
                return e;
            }
        }

        return null;
    }

    private static ApiError ModelNotFound(string model) =>
        new(404, $"the model '{model}' does not exist or you do not have access to it (see GET /v1/models)", "invalid_request_error", "model", "model_not_found");

    public IEnumerable<Scheduler> ModelsFor(Tenant tenant)
    {
        foreach (var s in Schedulers)
        {
            if (tenant.MayUse(s.Name))
            {
                yield return s;
            }
        }
    }

    /// <summary>The request's deadline in ms: the header when given, else the config default (0 = none).</summary>
    public int DeadlineMs(HttpContext context)
    {
        string? header = context.Request.Headers[DeadlineHeader];
        if (header is null)
        {
            return Config.DefaultDeadlineMs;
        }

        if (!int.TryParse(header, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int ms) || ms <= 0)
        {
            throw ApiError.BadRequest($"header '{DeadlineHeader}' must be a positive integer of milliseconds; found '{header}'", DeadlineHeader);
        }

        return ms;
    }

    /// <summary>Writes the request's evidence (engine and serving sections) and keeps it for its tenant.</summary>
    public void Record(ServingSequence s, Scheduler scheduler, EvidenceRecord record, string endpoint)
    {
        var runtime = scheduler.Runtime;
        var done = s.Completion;
        double Ms(long from, long to) => from == 0 || to == 0 ? 0 : Time.GetElapsedTime(from, to).TotalMilliseconds;
        var stop = done?.Reason ?? StopReason.ClientGone;
        int generated = s.Generated;
        var metrics = new TokenMetrics(s.Request.PromptTokens.Length, generated, Ms(s.FirstScheduledTicks, s.FirstTokenTicks),
            Ms(s.FirstTokenTicks, s.LastTokenTicks), Math.Max(0, generated - 1), Ms(s.Request.ArrivalTicks, s.FirstTokenTicks));
        var result = new GenerationResult(s.Request.PromptTokens, s.Tokens.AsSpan(s.Request.PromptTokens.Length, generated).ToArray(),
            new string(s.Text.Text), stop, metrics, null);
        EngineEvidence.Fill(record, runtime, result, new SamplerDescription(s.Sampler.Describe(), s.Sampler.Seed, s.Request.Grammar?.Sha256));
        record.Engine = record.Engine! with { ModelPath = null }; // the served model's name, hash and version say which; its path is the server's
        record.Serving = new ServingSection
        {
            Endpoint = endpoint,
            Tenant = s.Request.Tenant.Name,
            Model = scheduler.Name,
            ModelVersion = runtime.Model.FileSha256,
            ExecutableHash = runtime.Executable.ContentHash,
            NumericMode = runtime.Options.Mode == Kernels.NumericMode.Exact ? EngineEvidence.ExactMode : EngineEvidence.QuantizedMode,
            BatchInvariant = runtime.Options.BatchInvariant,
            KvType = runtime.KvPool.Half ? "f16" : "f32",
            Stream = s.Request.Stream,
            Priority = s.Request.Tenant.Config.Priority,
            DeadlineMs = s.Request.DeadlineMs > 0 ? s.Request.DeadlineMs : null,
            QueueMs = Ms(s.Request.ArrivalTicks, s.FirstScheduledTicks),
            TtftMs = s.FirstTokenTicks == 0 ? null : Ms(s.Request.ArrivalTicks, s.FirstTokenTicks),
            ItlMeanMs = generated > 1 ? s.ItlSumMs / (generated - 1) : null,
            ItlMaxMs = generated > 1 ? s.ItlMaxMs : null,
            PromptTokens = s.Request.PromptTokens.Length,
            CompletionTokens = generated,
            PrefixCacheHitBlocks = s.HitBlocks,
            PrefixCacheHitTokens = s.HitBlocks * runtime.KvPool.BlockTokens,
            Preemptions = s.Preemptions,
            Batches = [.. s.Batches],
            StopReason = StopReasons.WireName(stop),
            FinishReason = done?.FinishReason,
        };
        Keep(s.Request.Tenant.Name, record);
        if (Activity.Current is { } span)
        {
            // The request's trace span carries the same facts (no prompt or output text).
            var serving = record.Serving;
            span.SetTag("strata.tenant", serving.Tenant);
            span.SetTag("strata.model", serving.Model);
            span.SetTag("strata.model_version", serving.ModelVersion);
            span.SetTag("strata.prompt_tokens", serving.PromptTokens);
            span.SetTag("strata.completion_tokens", serving.CompletionTokens);
            span.SetTag("strata.queue_ms", serving.QueueMs);
            span.SetTag("strata.ttft_ms", serving.TtftMs);
            span.SetTag("strata.prefix_cache_hit_blocks", serving.PrefixCacheHitBlocks);
            span.SetTag("strata.stop_reason", serving.StopReason);
            span.SetTag("strata.batches", serving.Batches?.Count);
        }
    }
}
