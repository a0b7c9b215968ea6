// Where rollouts are kept: PostgreSQL on a cluster with PostgreSQL membership, else the grain's memory.
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace Strata.Cluster;

/// <summary>Loads and saves a model's rollout.</summary>
public interface IRolloutStore
{
    /// <summary>The rollout of <paramref name="model"/>, or null when it has none.</summary>
    Task<RolloutView?> LoadAsync(string model, CancellationToken cancellation);

    /// <summary>Saves a rollout (replacing the model's previous one).</summary>
    Task SaveAsync(RolloutView view, CancellationToken cancellation);
}

/// <summary>No store: a rollout lives as long as its grain's activation (localhost development clustering).</summary>
internal sealed class MemoryRolloutStore : IRolloutStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RolloutView> _views = new(StringComparer.Ordinal);

    public Task<RolloutView?> LoadAsync(string model, CancellationToken cancellation) => Task.FromResult(_views.GetValueOrDefault(model));

    public Task SaveAsync(RolloutView view, CancellationToken cancellation)
    {
        _views[view.Model] = view;
        return Task.CompletedTask;
    }
}

/// <summary>Rollouts as JSON rows of <c>strata_rollouts</c> (created with the membership schema).</summary>
internal sealed class PostgresRolloutStore(string connectionString) : IRolloutStore
{
    public async Task<RolloutView?> LoadAsync(string model, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT state FROM strata_rollouts WHERE model = @model", connection);
        command.Parameters.AddWithValue("model", model);
        return await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false) is string json
            ? JsonSerializer.Deserialize(json, RolloutJson.Default.RolloutView)
            : null;
    }

    public async Task SaveAsync(RolloutView view, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO strata_rollouts (model, state, updated) VALUES (@model, @state::jsonb, now()) "
            + "ON CONFLICT (model) DO UPDATE SET state = EXCLUDED.state, updated = EXCLUDED.updated", connection);
        command.Parameters.AddWithValue("model", view.Model);
        command.Parameters.AddWithValue("state", JsonSerializer.Serialize(view, RolloutJson.Default.RolloutView));
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }
}

/// <summary>Rollout JSON: snake_case, nulls omitted (the store's rows and the HTTP answers).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RolloutView))]
internal sealed partial class RolloutJson : JsonSerializerContext;
