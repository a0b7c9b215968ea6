// The server's configuration file (strata.json): models, tenants with keys and limits, queue, KV budget, batch sizes.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Serving;

/// <summary>Everything `strata serve` can be told in a config file; every field has a default, unknown fields are refused.</summary>
public sealed record ServerConfig
{
    /// <summary>Models to serve (added to those given with --model).</summary>
    public List<ModelConfig> Models { get; init; } = [];

    /// <summary>Tenants and their API keys; none = one local tenant, no keys required.</summary>
    public List<TenantConfig> Tenants { get; init; } = [];

    /// <summary>Requests that may wait for a slot, over all tenants; more get 429.</summary>
    public int QueueCapacity { get; init; } = 32;

    /// <summary>Sequences that run together in one batch per model.</summary>
    public int MaxRunning { get; init; } = 16;

    /// <summary>Deadline for requests without an X-Strata-Deadline-Ms header; 0 = none.</summary>
    public int DefaultDeadlineMs { get; init; }

    /// <summary>Largest request body accepted; larger gets 413.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Memory for the KV cache of each model in MiB; 0 = full contexts for <see cref="MaxRunning"/> sequences.</summary>
    public int KvBudgetMib { get; init; }

    /// <summary>Most token rows in one forward pass (decode rows plus a prefill chunk).</summary>
    public int BatchTokens { get; init; } = 64;

    /// <summary>Positions per KV block.</summary>
    public int BlockTokens { get; init; } = 16;

    /// <summary>Context per sequence; 0 = the model's, at most 4096.</summary>
    public int Context { get; init; }

    /// <summary>
    /// A request's results do not depend on the requests batched with it, for every weight type and both numerics (see
    /// EngineOptions.BatchInvariant): greedy output alone equals greedy output in any batch.
    /// </summary>
    public bool BatchInvariant { get; init; } = true;

    /// <summary>Kernel threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>"exact" (f32 activations) or "fast" (8-bit activations).</summary>
    public string Numerics { get; init; } = "exact";

    /// <summary>
    /// KV cache elements: "f32", or "f16" (half the memory per block, so twice the positions for a budget, and 10–15 %
    /// less attention time; keys and values are rounded to nearest even when stored, as llama.cpp's default cache does).
    /// </summary>
    public string KvType { get; init; } = "f32";

    /// <summary>
    /// Map model files in place (mmap) instead of copying them into memory at load: the page cache's pages are shared and
    /// loading is lazy, but truncating a served file crashes the server and overwriting it changes its output (the
    /// evidence and /health/ready then say the file changed). Default false: a copy nothing done to the file can reach.
    /// </summary>
    public bool Mmap { get; init; }

    /// <summary>OTLP endpoint (e.g. http://127.0.0.1:4317) to export traces and metrics to; null = none (metrics stay on /metrics).</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>Evidence records kept in memory for GET /v1/strata/evidence/{id} (oldest dropped first).</summary>
    public int EvidenceRecords { get; init; } = 4096;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads and validates a config file.</summary>
    /// <exception cref="ArgumentException">the file is not valid JSON or a field is out of range; the message names it</exception>
    public static ServerConfig Load(string path)
    {
        ServerConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ServerConfig>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: {e.Message}", nameof(path), e);
        }

        config ??= new ServerConfig();
        config.Validate();
        return config;
    }

    /// <summary>Throws ArgumentException naming the first field out of range.</summary>
    public void Validate()
    {
        Check(QueueCapacity is >= 0 and <= 100_000, "queue_capacity", "0 to 100000", QueueCapacity);
        Check(MaxRunning is >= 1 and <= 256, "max_running", "1 to 256", MaxRunning);
        Check(DefaultDeadlineMs >= 0, "default_deadline_ms", "0 (none) or more", DefaultDeadlineMs);
        Check(MaxBodyBytes is >= 1024 and <= 1L << 30, "max_body_bytes", "1024 to 2^30", MaxBodyBytes);
        Check(KvBudgetMib >= 0, "kv_budget_mib", "0 (derived) or more", KvBudgetMib);
        Check(BatchTokens is >= 1 and <= 8192, "batch_tokens", "1 to 8192", BatchTokens);
        Check(BlockTokens is >= 1 and <= 1024, "block_tokens", "1 to 1024", BlockTokens);
        Check(Context >= 0, "context", "0 (model default) or more", Context);
        Check(Threads is >= 0 and <= 1024, "threads", "0 (all cores) to 1024", Threads);
        Check(Numerics is "exact" or "fast", "numerics", "\"exact\" or \"fast\"", Numerics);
        Check(KvType is "f32" or "f16", "kv_type", "\"f32\" or \"f16\"", KvType);
        Check(EvidenceRecords is >= 1 and <= 1_000_000, "evidence_records", "1 to 1000000", EvidenceRecords);
        Check(OtlpEndpoint is null || Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _), "otlp_endpoint", "an absolute URI", OtlpEndpoint ?? "");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in Tenants)
        {
            if (string.IsNullOrWhiteSpace(t.Name) || !names.Add(t.Name))
            {
                throw new ArgumentException($"tenants: name '{t.Name}' is empty or repeated");
            }

            Check(t.MaxConcurrent >= 0, $"tenants[{t.Name}].max_concurrent", "0 (unlimited) or more", t.MaxConcurrent);
            Check(t.TokensPerMinute >= 0, $"tenants[{t.Name}].tokens_per_minute", "0 (unlimited) or more", t.TokensPerMinute);
            foreach (var k in t.ApiKeys)
            {
                if (string.IsNullOrEmpty(k) || !keys.Add(k))
                {
                    throw new ArgumentException($"tenants[{t.Name}].api_keys: a key is empty or given to two tenants");
                }
            }
        }

        foreach (var m in Models)
        {
            if (string.IsNullOrWhiteSpace(m.Name) || string.IsNullOrWhiteSpace(m.Path))
            {
                throw new ArgumentException("models: every entry needs a name and a path");
            }
        }
    }

    private static void Check(bool ok, string field, string expected, object found)
    {
        if (!ok)
        {
            throw new ArgumentException($"config field '{field}' is {found}, expected {expected}", field);
        }
    }
}

/// <summary>One served model.</summary>
public sealed class ModelConfig
{
    /// <summary>Name clients use in "model".</summary>
    public string Name { get; init; } = "";

    /// <summary>Model file.</summary>
    public string Path { get; init; } = "";
}

/// <summary>One tenant: who it is, how it proves it, and what it may use.</summary>
public sealed class TenantConfig
{
    /// <summary>Tenant name (appears in evidence and metrics).</summary>
    public string Name { get; init; } = "";

    /// <summary>Bearer keys that identify the tenant.</summary>
    public List<string> ApiKeys { get; init; } = [];

    /// <summary>Requests queued or running at once; 0 = unlimited.</summary>
    public int MaxConcurrent { get; init; }

    /// <summary>Prompt plus max tokens admitted per minute; 0 = unlimited.</summary>
    public int TokensPerMinute { get; init; }

    /// <summary>Queue priority: higher is served first.</summary>
    public int Priority { get; init; }

    /// <summary>Models the tenant may use; null = all.</summary>
    [JsonPropertyName("models")]
    public List<string>? AllowedModels { get; init; }
}
