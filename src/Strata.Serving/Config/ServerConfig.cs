// The server's configuration file (strata.json): models, tenants with keys and limits, queue, KV budget, batch sizes.
using Microsoft.Extensions.Configuration;

namespace Strata.Serving;

/// <summary>Everything `strata serve` can be told in a config file; every field has a default, unknown fields are refused.</summary>
public sealed record ServerConfig
{
    /// <summary>Models to serve (added to those given with --model).</summary>
    [ConfigurationKeyName("models")]
    public List<ModelConfig> Models { get; init; } = [];

    /// <summary>The cluster this server is a node of; none (no cluster id) = one node, as before.</summary>
    [ConfigurationKeyName("cluster")]
    public ClusterConfig Cluster { get; init; } = new();

    /// <summary>Tenants and their API keys; none = one local tenant, no keys required.</summary>
    [ConfigurationKeyName("tenants")]
    public List<TenantConfig> Tenants { get; init; } = [];

    /// <summary>Requests that may wait for a running slot (beyond <see cref="MaxRunning"/> per model), over all tenants; more get 429.</summary>
    [ConfigurationKeyName("queue_capacity")]
    public int QueueCapacity { get; init; } = 32;

    /// <summary>Sequences that run together in one batch per model.</summary>
    [ConfigurationKeyName("max_running")]
    public int MaxRunning { get; init; } = 16;

    /// <summary>Deadline for requests without an X-Strata-Deadline-Ms header; 0 = none.</summary>
    [ConfigurationKeyName("default_deadline_ms")]
    public int DefaultDeadlineMs { get; init; }

    /// <summary>Largest request body accepted; larger gets 413.</summary>
    [ConfigurationKeyName("max_body_bytes")]
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Memory for the KV cache of each model in MiB; 0 = full contexts for <see cref="MaxRunning"/> sequences.</summary>
    [ConfigurationKeyName("kv_budget_mib")]
    public int KvBudgetMib { get; init; }

    /// <summary>Most token rows in one forward pass (decode rows plus a prefill chunk).</summary>
    [ConfigurationKeyName("batch_tokens")]
    public int BatchTokens { get; init; } = 64;

    /// <summary>Positions per KV block.</summary>
    [ConfigurationKeyName("block_tokens")]
    public int BlockTokens { get; init; } = 16;

    /// <summary>Context per sequence; 0 = the model's, at most 4096.</summary>
    [ConfigurationKeyName("context")]
    public int Context { get; init; }

    /// <summary>
    /// A request's results do not depend on the requests batched with it, for every weight type and both numerics (see
    /// EngineOptions.BatchInvariant): greedy output alone equals greedy output in any batch.
    /// </summary>
    [ConfigurationKeyName("batch_invariant")]
    public bool BatchInvariant { get; init; } = true;

    /// <summary>Kernel threads; 0 = all cores.</summary>
    [ConfigurationKeyName("threads")]
    public int Threads { get; init; }

    /// <summary>"fast" (the default: 8-bit activations against quantized weights, as llama.cpp) or "exact" (f32 activations).</summary>
    [ConfigurationKeyName("numerics")]
    public string Numerics { get; init; } = "fast";

    /// <summary>
    /// KV cache elements: "f32", or "f16" (half the memory per block, so twice the positions for a budget, and 10–15 %
    /// less attention time; keys and values are rounded to nearest even when stored, as llama.cpp's default cache does).
    /// </summary>
    [ConfigurationKeyName("kv_type")]
    public string KvType { get; init; } = "f32";

    /// <summary>
    /// Map model files in place (mmap) instead of copying them into memory at load: the page cache's pages are shared and
    /// loading is lazy, but truncating a served file crashes the server and overwriting it changes its output (the
    /// evidence and /health/ready then say the file changed). Default false: a copy nothing done to the file can reach.
    /// </summary>
    [ConfigurationKeyName("mmap")]
    public bool Mmap { get; init; }

    /// <summary>OTLP endpoint (e.g. http://127.0.0.1:4317) to export traces and metrics to; null = none (metrics stay on /metrics).</summary>
    [ConfigurationKeyName("otlp_endpoint")]
    public string? OtlpEndpoint { get; init; }

    /// <summary>
    /// After Ctrl+C or SIGTERM, how long requests in flight may run on before they are ended (streams get a final event with
    /// finish_reason "length" and strata_stop_reason "shutdown", then [DONE]); new connections are refused meanwhile.
    /// </summary>
    [ConfigurationKeyName("shutdown_drain_ms")]
    public int ShutdownDrainMs { get; init; } = 30_000;

    /// <summary>
    /// Listening beyond loopback (0.0.0.0, a public address) without API keys (no tenants) is refused unless this is true:
    /// anyone who can reach the port could use the server.
    /// </summary>
    [ConfigurationKeyName("allow_unauthenticated")]
    public bool AllowUnauthenticated { get; init; }

    /// <summary>Evidence records kept in memory for GET /v1/strata/evidence/{id} (oldest dropped first).</summary>
    [ConfigurationKeyName("evidence_records")]
    public int EvidenceRecords { get; init; } = 4096;

    /// <summary>The prefix of environment variables that override config values (<c>STRATA__QUEUE_CAPACITY=8</c>).</summary>
    public const string EnvironmentPrefix = "STRATA__";

    /// <summary>Reads and validates one config file, with environment overrides.</summary>
    /// <exception cref="ArgumentException">the file is not valid JSON or a field is unknown or out of range; the message names it</exception>
    public static ServerConfig Load(string path) => Load([path]);

    /// <summary>
    /// Reads the config the ASP.NET Core way: each JSON file in order (a later one overrides an earlier one, so API keys
    /// can sit in a secrets file of their own), then environment variables named <c>STRATA__FIELD</c> with <c>__</c>
    /// between levels (<c>STRATA__TENANTS__0__API_KEYS__0=sk-…</c>), then validates the result.
    /// </summary>
    /// <param name="files">JSON files, lowest precedence first; may be empty.</param>
    /// <param name="environment">variables to read instead of the process environment (tests); names keep the prefix.</param>
    /// <exception cref="ArgumentException">a file is missing or not valid JSON, a field is unknown, mistyped or out of range; the message names it</exception>
    public static ServerConfig Load(IReadOnlyList<string> files, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var builder = new ConfigurationBuilder();
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                throw new ArgumentException($"config file '{file}' does not exist", nameof(files));
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        if (environment is null)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }
        else
        {
            builder.AddInMemoryCollection(FromEnvironmentNames(environment));
        }

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"config: {e.Message} {e.InnerException?.Message}".TrimEnd(), nameof(files), e);
        }

        return Bind(root);
    }

    /// <summary>Binds and validates a configuration whose keys are the config file's snake_case names.</summary>
    /// <exception cref="ArgumentException">a field is unknown, mistyped or out of range; the message names it</exception>
    public static ServerConfig Bind(IConfiguration configuration)
    {
        RefuseUnknownKeys(configuration.GetChildren(), typeof(ServerConfig), "");
        var config = new ServerConfig();
        try
        {
            configuration.Bind(config);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the value it could not convert and where it was.
            throw new ArgumentException($"config: {e.Message} {e.InnerException?.Message}".TrimEnd(), nameof(configuration), e);
        }

        config.Validate();
        return config;
    }

    // The binder's own unknown-key check compares keys with property names and ignores [ConfigurationKeyName], so it
    // cannot be used with snake_case keys: this walks the sections against the key names of each type instead.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "the config types are never trimmed")]
    private static void RefuseUnknownKeys(IEnumerable<IConfigurationSection> sections, Type type, string where)
    {
        foreach (var section in sections)
        {
            System.Reflection.PropertyInfo? match = null;
            foreach (var p in type.GetProperties())
            {
                if (p.GetCustomAttributes(typeof(ConfigurationKeyNameAttribute), false) is [ConfigurationKeyNameAttribute key]
                    && string.Equals(key.Name, section.Key, StringComparison.OrdinalIgnoreCase))
                {
                    match = p;
                }
            }

            if (match is null)
            {
                throw new ArgumentException($"config field '{where}{section.Key.ToLowerInvariant()}' is not known (the fields are in the README)");
            }

            var property = match.PropertyType;
            if (property.IsClass && property != typeof(string) && !property.IsGenericType)
            {
                RefuseUnknownKeys(section.GetChildren(), property, $"{where}{section.Key.ToLowerInvariant()}.");
                continue;
            }

            if (property.IsGenericType && property.GetGenericTypeDefinition() == typeof(List<>)
                && property.GetGenericArguments()[0] is { IsClass: true } element && element != typeof(string))
            {
                foreach (var item in section.GetChildren())
                {
                    RefuseUnknownKeys(item.GetChildren(), element, $"{where}{section.Key.ToLowerInvariant()}[{item.Key}].");
                }
            }
        }
    }

    // What the environment-variable provider does: drop the prefix, "__" separates levels.
    private static Dictionary<string, string?> FromEnvironmentNames(IReadOnlyDictionary<string, string?> environment)
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                keys[name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = value;
            }
        }

        return keys;
    }

    /// <summary>Throws ArgumentException naming the first field out of range.</summary>
    public void Validate()
    {
        Check(QueueCapacity is >= 1 and <= 100_000, "queue_capacity", "1 to 100000", QueueCapacity);
        Check(MaxRunning is >= 1 and <= 256, "max_running", "1 to 256", MaxRunning);
        Check(DefaultDeadlineMs >= 0, "default_deadline_ms", "0 (none) or more", DefaultDeadlineMs);
        Check(MaxBodyBytes is >= 1024 and <= 1L << 30, "max_body_bytes", "1024 to 2^30", MaxBodyBytes);
        Check(KvBudgetMib >= 0, "kv_budget_mib", "0 (derived) or more", KvBudgetMib);
        Check(BatchTokens is >= 1 and <= 8192, "batch_tokens", "1 to 8192", BatchTokens);
        Check(BlockTokens is >= 1 and <= 1024, "block_tokens", "1 to 1024", BlockTokens);
        Check(Context is >= 0 and <= 1 << 30, "context", "0 (model default) to 2^30", Context);
        Check(ShutdownDrainMs is >= 0 and <= 3_600_000, "shutdown_drain_ms", "0 to 3600000", ShutdownDrainMs);
        Check(Threads is >= 0 and <= 1024, "threads", "0 (all cores) to 1024", Threads);
        Check(Numerics is "exact" or "fast", "numerics", "\"exact\" or \"fast\"", Numerics);
        Check(KvType is "f32" or "f16", "kv_type", "\"f32\" or \"f16\"", KvType);
        Check(EvidenceRecords is >= 1 and <= 1_000_000, "evidence_records", "1 to 1000000", EvidenceRecords);
        Cluster.Validate();
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

            Check(m.Replicas >= 0, $"models[{m.Name}].replicas", "0 (every node) or more", m.Replicas);
            Check(!m.IsEmbeddingModel() || m.Replicas == 0, $"models[{m.Name}].replicas", "0: an embedding model (.onnx) is served on every node", m.Replicas);
            Check(m.IsEmbeddingModel() || m.Vocab is null, $"models[{m.Name}].vocab", "absent: only an embedding model (.onnx) takes a vocabulary", m.Vocab ?? "");
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
    [ConfigurationKeyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Model file: GGUF or llama2.c for generation; an ONNX encoder (*.onnx) is an embedding model (POST /v1/embeddings).</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; init; } = "";

    /// <summary>An embedding model's WordPiece vocabulary; null = vocab.txt beside the model. Only for embedding models.</summary>
    [ConfigurationKeyName("vocab")]
    public string? Vocab { get; init; }

    /// <summary>Whether this is an embedding model: its path ends in .onnx (a method, not a configuration field).</summary>
    public bool IsEmbeddingModel() => Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>On a cluster, how many nodes hold a replica; 0 = every node (and always on a single server).</summary>
    [ConfigurationKeyName("replicas")]
    public int Replicas { get; init; }
}

/// <summary>One tenant: who it is, how it proves it, and what it may use.</summary>
public sealed class TenantConfig
{
    /// <summary>Tenant name (appears in evidence and metrics).</summary>
    [ConfigurationKeyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Bearer keys that identify the tenant.</summary>
    [ConfigurationKeyName("api_keys")]
    public List<string> ApiKeys { get; init; } = [];

    /// <summary>Requests queued or running at once; 0 = unlimited.</summary>
    [ConfigurationKeyName("max_concurrent")]
    public int MaxConcurrent { get; init; }

    /// <summary>Prompt plus max tokens admitted per minute; 0 = unlimited.</summary>
    [ConfigurationKeyName("tokens_per_minute")]
    public int TokensPerMinute { get; init; }

    /// <summary>Queue priority: higher is served first.</summary>
    [ConfigurationKeyName("priority")]
    public int Priority { get; init; }

    /// <summary>Models the tenant may use; null = all.</summary>
    [ConfigurationKeyName("models")]
    public List<string>? AllowedModels { get; init; }
}
