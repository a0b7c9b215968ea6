// Request evidence kept in PostgreSQL, so it outlives the node that served the request and any node can read it.
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Strata.Evidence;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// <see cref="IEvidenceArchive"/> on the table <c>strata_evidence</c> (created with the membership schema): records are
/// queued without blocking the request and written in batches by a background loop (up to 256 a statement); a record
/// still queued when its node dies is lost with it. Rows older than <see cref="Retention"/> are deleted hourly.
/// </summary>
internal sealed class PostgresEvidenceArchive(string connectionString, ILogger<PostgresEvidenceArchive> log) : BackgroundService, IEvidenceArchive
{
    /// <summary>How long a record is kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private const int Batch = 256;
    private readonly Channel<(string TraceId, string Tenant, DateTimeOffset At, string Json)> _queue =
        Channel.CreateBounded<(string, string, DateTimeOffset, string)>(new BoundedChannelOptions(65536) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Save(string tenant, EvidenceRecord record) =>
        _queue.Writer.TryWrite((record.TraceId.Value, tenant, record.StartedAt, record.ToJson()));

    public async Task<EvidenceRecord?> FindAsync(string traceId, string tenant, CancellationToken cancellation)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellation).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT record FROM strata_evidence WHERE trace_id = @id AND tenant = @tenant", connection);
            command.Parameters.AddWithValue("id", traceId);
            command.Parameters.AddWithValue("tenant", tenant);
            return await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false) is string json ? EvidenceRecord.FromJson(json) : null;
        }
        catch (NpgsqlException e)
        {
            log.NotDelivered("evidence lookup", e.Message);
            return null; // the caller answers 404 and the other nodes are asked
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new List<(string TraceId, string Tenant, DateTimeOffset At, string Json)>(Batch);
        long lastPrune = 0;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (pending.Count < Batch && _queue.Reader.TryRead(out var item))
                {
                    pending.Add(item);
                }

                await WriteAsync(pending, stoppingToken).ConfigureAwait(false);
                pending.Clear();
                if (Environment.TickCount64 - lastPrune > 3_600_000)
                {
                    lastPrune = Environment.TickCount64;
                    await PruneAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(List<(string TraceId, string Tenant, DateTimeOffset At, string Json)> records, CancellationToken cancellation)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellation).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var (traceId, tenant, at, json) in records)
            {
                var command = new NpgsqlBatchCommand("INSERT INTO strata_evidence (trace_id, tenant, at, record) VALUES (@id, @tenant, @at, @record) ON CONFLICT (trace_id) DO NOTHING");
                command.Parameters.AddWithValue("id", traceId);
                command.Parameters.AddWithValue("tenant", tenant);
                command.Parameters.AddWithValue("at", at.ToUniversalTime());
                command.Parameters.AddWithValue("record", json);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            log.NotDelivered("evidence records", e.Message); // kept in the node's memory still
        }
    }

    private async Task PruneAsync(CancellationToken cancellation)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellation).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("DELETE FROM strata_evidence WHERE at < @before", connection);
            command.Parameters.AddWithValue("before", DateTimeOffset.UtcNow - Retention);
            await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            log.NotDelivered("evidence pruning", e.Message);
        }
    }
}
