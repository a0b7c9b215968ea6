// The evidence of one model call: trace id, one section per layer, and an ordered event log; JSON in and out.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Evidence;

/// <summary>
/// Everything recorded about one model call or request, keyed by a <see cref="Evidence.TraceId"/>. Each layer
/// sets its own section (absent sections are omitted from JSON) and any layer may append events, stamped by
/// the injected <see cref="TimeProvider"/>. JSON keys are snake_case and stable; see <see cref="ToJson"/>.
/// Appending events is thread-safe; sections are plain properties set by their owning layer.
/// </summary>
public sealed class EvidenceRecord
{
    /// <summary>Version of the JSON shape written by <see cref="ToJson"/>; bumped on breaking changes.</summary>
    public const int CurrentSchemaVersion = 1;

    private readonly List<EvidenceEvent> _events;
    private readonly Lock _eventsGate = new();
    private TimeProvider _time;

    /// <summary>Starts a record with a fresh random trace id.</summary>
    public EvidenceRecord(TimeProvider time)
        : this(TraceId.NewRandom(), time)
    {
    }

    /// <summary>Starts a record with a given trace id (e.g. propagated from an incoming request).</summary>
    public EvidenceRecord(TraceId traceId, TimeProvider time)
    {
        _time = time;
        _events = [];
        TraceId = traceId;
        StartedAt = time.GetUtcNow();
    }

    [JsonConstructor]
    internal EvidenceRecord(int schemaVersion, TraceId traceId, DateTimeOffset startedAt, IReadOnlyList<EvidenceEvent>? events)
    {
        if (schemaVersion != CurrentSchemaVersion)
        {
            throw new JsonException($"Expected schema_version {CurrentSchemaVersion}; found {schemaVersion}.");
        }

        _time = TimeProvider.System;
        _events = events is null ? [] : [.. events];
        TraceId = traceId;
        StartedAt = startedAt;
    }

    /// <summary>Version of the JSON shape (always <see cref="CurrentSchemaVersion"/>).</summary>
    public int SchemaVersion { get; } = CurrentSchemaVersion;

    /// <summary>Key of this record.</summary>
    public TraceId TraceId { get; }

    /// <summary>When the record was started (from the injected time provider).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Machine facts from the substrate layer; null until that layer reports.</summary>
    public SubstrateSection? Substrate { get; set; }

    /// <summary>Kernel choices from the kernels layer; null until that layer reports.</summary>
    public KernelsSection? Kernels { get; set; }

    /// <summary>Executable facts from the compiler layer; null until that layer reports.</summary>
    public CompilerSection? Compiler { get; set; }

    /// <summary>Model, tokens and timings from the engine layer; null until that layer reports.</summary>
    public EngineSection? Engine { get; set; }

    /// <summary>Runtime, inputs and tokens of an embeddings call; null for generation.</summary>
    public EmbeddingSection? Embedding { get; set; }

    /// <summary>Route, tenant, queueing, batches and latencies from the serving layer; null outside the server.</summary>
    public ServingSection? Serving { get; set; }

    /// <summary>Entry node, serving node, routing reason and rollout version from the cluster layer; null outside a cluster.</summary>
    public ClusterSection? Cluster { get; set; }

    /// <summary>A snapshot of the events, in the order they were added.</summary>
    public IReadOnlyList<EvidenceEvent> Events
    {
        get
        {
            lock (_eventsGate)
            {
                return _events.ToArray();
            }
        }
    }

    /// <summary>Appends an event stamped with the current time of the injected time provider.</summary>
    /// <param name="layer">emitting layer, e.g. "engine"</param>
    /// <param name="name">what happened, e.g. "first_token"</param>
    /// <param name="attributes">details, copied; null for none</param>
    /// <returns>the appended event</returns>
    /// <exception cref="ArgumentException"><paramref name="layer"/> or <paramref name="name"/> is empty</exception>
    public EvidenceEvent Add(string layer, string name, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var copy = new Dictionary<string, string>(attributes?.Count ?? 0);
        if (attributes is not null)
        {
            foreach (var pair in attributes)
            {
                copy.Add(pair.Key, pair.Value);
            }
        }

        var evidenceEvent = new EvidenceEvent(layer, name, _time.GetUtcNow(), copy);
        Add(evidenceEvent);
        return evidenceEvent;
    }

    /// <summary>Appends an already-built event (its time is kept as given).</summary>
    /// <exception cref="ArgumentException">the event's layer or name is empty</exception>
    public void Add(EvidenceEvent evidenceEvent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(evidenceEvent.Layer, "evidenceEvent.Layer");
        ArgumentException.ThrowIfNullOrWhiteSpace(evidenceEvent.Name, "evidenceEvent.Name");
        lock (_eventsGate)
        {
            _events.Add(evidenceEvent);
        }
    }

    /// <summary>Indented snake_case JSON of the record; null sections and fields are omitted.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EvidenceJsonContext.Default.EvidenceRecord);

    /// <summary>Reads a record written by <see cref="ToJson"/>; new events are stamped by <paramref name="time"/>.</summary>
    /// <param name="json">the JSON text</param>
    /// <param name="time">time provider for events added later; the system clock when null</param>
    /// <exception cref="JsonException">the text is not a valid record (wrong schema version, bad trace id, missing fields)</exception>
    public static EvidenceRecord FromJson(string json, TimeProvider? time = null)
    {
        var record = JsonSerializer.Deserialize(json, EvidenceJsonContext.Default.EvidenceRecord)
            ?? throw new JsonException("Expected a JSON object for an evidence record; found null.");
        if (time is not null)
        {
            record._time = time;
        }

        return record;
    }
}
