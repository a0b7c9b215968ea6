// The checkpoint store on PostgreSQL, shared by the nodes of a cluster: same semantics as the SQLite store, plus task owners.
using Npgsql;
using Strata.Evidence;
using Strata.Evidence.Ledger;

namespace Strata.Agents.PostgreSql;

/// <summary>
/// <see cref="ICheckpointStore"/> and <see cref="ITaskOwnership"/> on PostgreSQL, under a schema of its own. Each call
/// takes a pooled connection, so an instance is thread-safe without a lock, and any number of instances and processes
/// (nodes) may share the database. Every write runs in one transaction at READ COMMITTED that first locks its task's
/// row (<see cref="PostgresTaskRows.Lock"/>) and only then reads the task's ledger, so writers of one task queue while
/// writers of different tasks run side by side, and a chain never forks; the ledger's primary key (task, sequence)
/// backs that up: a write that raced past it would fail whole rather than fork. Every failure, including a store that
/// cannot be reached, surfaces as <see cref="StoreException"/> naming <see cref="Name"/>.
/// </summary>
public sealed class PostgresCheckpointStore : ICheckpointStore, ITaskOwnership
{
    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;
    private readonly PostgresStoreSql _sql;
    private int _disposed;

    private PostgresCheckpointStore(NpgsqlDataSource source, bool ownsSource, PostgresStoreSql sql, string name)
    {
        _source = source;
        _ownsSource = ownsSource;
        _sql = sql;
        Name = name;
    }

    /// <summary>The store as messages name it: <c>postgresql://HOST:PORT/DATABASE</c> and the schema, never a password.</summary>
    public string Name { get; }

    /// <summary>
    /// Opens the store in the database <paramref name="connectionString"/> names (an Npgsql connection string, e.g.
    /// <c>Host=127.0.0.1;Port=5432;Username=strata;Password=…;Database=strata</c>), creating its schema and tables if
    /// absent and otherwise checking their version and columns, so a foreign or newer schema fails here rather than at
    /// a later call. The store owns the connection pool it creates and closes it when disposed.
    /// </summary>
    /// <exception cref="StoreException">the server cannot be reached, or the schema is newer, damaged, or not a Strata store</exception>
    /// <exception cref="ArgumentException">the connection string or an option is not valid</exception>
    public static PostgresCheckpointStore Open(string connectionString, PostgresStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        (options ?? new PostgresStoreOptions()).Validate();
        return Open(NpgsqlDataSource.Create(connectionString), options, ownsSource: true);
    }

    /// <summary>
    /// Opens the store on a data source the caller owns (one pool shared with other users of the database); disposing
    /// the store leaves it open. Otherwise as <see cref="Open(string, PostgresStoreOptions?)"/>.
    /// </summary>
    /// <exception cref="StoreException">the server cannot be reached, or the schema is newer, damaged, or not a Strata store</exception>
    /// <exception cref="ArgumentException">an option is not valid</exception>
    public static PostgresCheckpointStore Open(NpgsqlDataSource dataSource, PostgresStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return Open(dataSource, options, ownsSource: false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">a row belongs to another task, or an enum value has no name</exception>
    /// <exception cref="StoreException">the write failed; nothing of the checkpoint was applied</exception>
    public void Commit(Checkpoint checkpoint)
    {
        CheckpointValidator.Validate(checkpoint);
        Guard("committing a checkpoint of task", checkpoint.TaskId, connection => CommitIn(connection, checkpoint));
    }

    /// <inheritdoc />
    public StoredTask? FindTask(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Guard("reading task", taskId, connection =>
            ReadOne(connection, null, _sql.FindTask, p => PostgresValues.Text(p, "task_id", taskId), PostgresTaskRows.Read));
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredTask> Tasks(AgentTaskStatus? status = null)
    {
        var name = status is { } value ? StoreValues.Name(value, nameof(status)) : null;
        return Guard(name is null ? "listing tasks" : "listing tasks with status", name, connection =>
            ReadAll(connection, _sql.ListTasks, p => PostgresValues.Text(p, "status", name), PostgresTaskRows.Read));
    }

    /// <inheritdoc />
    public IReadOnlyList<StepRecord> Steps(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Guard("reading the steps of task", taskId, connection =>
            ReadAll(connection, _sql.ListSteps, p => PostgresValues.Text(p, "task_id", taskId), PostgresStepRows.Read));
    }

    /// <inheritdoc />
    public IReadOnlyList<ApprovalRecord> Approvals(string? taskId = null, ApprovalStatus? status = null)
    {
        var name = status is { } value ? StoreValues.Name(value, nameof(status)) : null;
        return Guard(taskId is null ? "listing approvals" : "listing the approvals of task", taskId, connection =>
            ReadAll(connection, _sql.ListApprovals, p =>
            {
                PostgresValues.Text(p, "task_id", taskId);
                PostgresValues.Text(p, "status", name);
            }, PostgresApprovalRows.Read));
    }

    /// <inheritdoc />
    public ApprovalRecord? FindApproval(string approvalId)
    {
        ArgumentNullException.ThrowIfNull(approvalId);
        return Guard("reading approval", approvalId, connection => FindApprovalIn(connection, null, approvalId));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not Approved or Denied</exception>
    public ApprovalResolution ResolveApproval(string approvalId, ApprovalStatus status, string resolvedBy, string reason, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(approvalId);
        ArgumentException.ThrowIfNullOrWhiteSpace(resolvedBy);
        ArgumentNullException.ThrowIfNull(reason);
        if (status is not (ApprovalStatus.Approved or ApprovalStatus.Denied))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "an approval resolves to Approved or Denied");
        }

        return Guard("resolving approval", approvalId, connection => ResolveIn(connection, approvalId, status, resolvedBy, reason, at));
    }

    /// <inheritdoc />
    public byte[]? FindBlob(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        return Guard("reading blob", sha256, connection =>
            ReadOne(connection, null, _sql.FindBlob, p => PostgresValues.Text(p, "sha256", sha256), static row => row.GetFieldValue<byte[]>(0)));
    }

    /// <inheritdoc />
    public IReadOnlyList<MemoryRecord> Memories(string tenant, string key, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(key);
        return Guard("reading the memories of key", key, connection =>
            ReadAll(connection, _sql.ListMemories, p =>
            {
                PostgresValues.Text(p, "tenant", tenant);
                PostgresValues.Text(p, "key", key);
                PostgresValues.Int64(p, "at_ticks", at.UtcTicks);
            }, PostgresMemoryRows.Read));
    }

    /// <inheritdoc />
    public IReadOnlyList<LedgerEntry> Ledger(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Guard("reading the ledger of task", taskId, connection =>
            ReadAll(connection, _sql.ListLedger, p => PostgresValues.Text(p, "task_id", taskId), PostgresLedgerRows.Read));
    }

    /// <inheritdoc />
    public string? Owner(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Guard("reading the owner of task", taskId, connection =>
        {
            using var command = new NpgsqlCommand(_sql.FindOwner, connection);
            PostgresValues.Text(command.Parameters, "task_id", taskId);
            return command.ExecuteScalar() as string;
        });
    }

    /// <inheritdoc />
    public bool TryClaim(string taskId, string owner, string? expectedOwner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return Guard("claiming task", taskId, connection =>
        {
            using var command = new NpgsqlCommand(_sql.ClaimTask, connection);
            PostgresValues.Text(command.Parameters, "task_id", taskId);
            PostgresValues.Text(command.Parameters, "owner", owner);
            PostgresValues.Text(command.Parameters, "expected", expectedOwner);
            return command.ExecuteNonQuery() == 1;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredTask> TasksOwnedBy(string owner, AgentTaskStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var name = status is { } value ? StoreValues.Name(value, nameof(status)) : null;
        return Guard("listing the tasks owned by", owner, connection =>
            ReadAll(connection, _sql.ListOwnedTasks, p =>
            {
                PostgresValues.Text(p, "owner", owner);
                PostgresValues.Text(p, "status", name);
            }, PostgresTaskRows.Read));
    }

    /// <summary>Closes the connection pool if the store opened it; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsSource)
        {
            _source.Dispose();
        }
    }

    private static PostgresCheckpointStore Open(NpgsqlDataSource source, PostgresStoreOptions? options, bool ownsSource)
    {
        options ??= new PostgresStoreOptions();
        var opened = false;
        var name = NameOf(source, options.Schema);
        try
        {
            options.Validate();
            var sql = new PostgresStoreSql(options.Schema);
            var store = new PostgresCheckpointStore(source, ownsSource, sql, name);
            store.Guard("opening it", null, connection =>
            {
                PostgresSchema.Ensure(connection, sql, name);
                return true;
            });
            opened = true;
            return store;
        }
        finally
        {
            if (!opened && ownsSource)
            {
                source.Dispose();
            }
        }
    }

    private static string NameOf(NpgsqlDataSource source, string schema)
    {
        var settings = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        var database = settings.Database ?? settings.Username;
        return $"postgresql://{settings.Host}:{settings.Port}/{database} (schema {schema})";
    }

    private bool CommitIn(NpgsqlConnection connection, Checkpoint checkpoint)
    {
        using var transaction = connection.BeginTransaction();
        using (var batch = new NpgsqlBatch(connection, transaction))
        {
            if (checkpoint.Task is { } task)
            {
                PostgresTaskRows.Bind(Add(batch, _sql.UpsertTask), task);
            }

            PostgresValues.Text(Add(batch, _sql.LockTask), "task_id", checkpoint.TaskId);
            foreach (var step in checkpoint.Steps)
            {
                PostgresStepRows.Bind(Add(batch, _sql.UpsertStep), step);
            }

            foreach (var approval in checkpoint.Approvals)
            {
                PostgresApprovalRows.Bind(Add(batch, _sql.InsertApproval), approval);
            }

            // In hash order: two transactions inserting the same new blobs then wait for each other in one order, never in a cycle.
            foreach (var (hash, blob) in checkpoint.Blobs.Select(blob => (EvidenceHash.Sha256Hex(blob), blob)).OrderBy(pair => pair.Item1, StringComparer.Ordinal))
            {
                var parameters = Add(batch, _sql.InsertBlob);
                PostgresValues.Text(parameters, "sha256", hash);
                PostgresValues.Bytes(parameters, "bytes", blob);
            }

            foreach (var memory in checkpoint.Memories)
            {
                PostgresMemoryRows.Bind(Add(batch, _sql.InsertMemory), memory);
            }

            batch.ExecuteNonQuery();
        }

        if (checkpoint.Evidence.Count > 0)
        {
            var previous = LastEntry(connection, transaction, checkpoint.TaskId);
            using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var append in checkpoint.Evidence)
            {
                previous = LedgerChain.Append(previous, checkpoint.TaskId, append.Kind, checkpoint.At, append.PayloadJson);
                PostgresLedgerRows.Bind(Add(batch, _sql.AppendLedger), previous);
            }

            batch.ExecuteNonQuery();
        }

        transaction.Commit();
        return true;
    }

    private ApprovalResolution ResolveIn(NpgsqlConnection connection, string approvalId, ApprovalStatus status, string resolvedBy, string reason, DateTimeOffset at)
    {
        using var transaction = connection.BeginTransaction();
        var approval = FindApprovalIn(connection, transaction, approvalId);
        if (approval is null)
        {
            return ApprovalResolution.NotFound;
        }

        if (approval.Status != ApprovalStatus.Pending)
        {
            return ApprovalResolution.AlreadyResolved;
        }

        // The task's lock first, as every write takes it; the update then sees any resolution committed meanwhile.
        LockTask(connection, transaction, approval.TaskId);
        using (var resolve = new NpgsqlCommand(_sql.ResolveApproval, connection, transaction))
        {
            PostgresApprovalRows.BindResolve(resolve.Parameters, approvalId, status, resolvedBy, reason, at);
            if (resolve.ExecuteNonQuery() == 0)
            {
                return ApprovalResolution.AlreadyResolved;
            }
        }

        var payload = ApprovalResolvedPayload.Of(approval, status, resolvedBy, reason);
        var entry = LedgerChain.Append(LastEntry(connection, transaction, approval.TaskId), approval.TaskId, payload.LedgerKind, at, payload.ToJson());
        using (var append = new NpgsqlCommand(_sql.AppendLedger, connection, transaction))
        {
            PostgresLedgerRows.Bind(append.Parameters, entry);
            append.ExecuteNonQuery();
        }

        transaction.Commit();
        return ApprovalResolution.Resolved;
    }

    private void LockTask(NpgsqlConnection connection, NpgsqlTransaction transaction, string taskId)
    {
        using var command = new NpgsqlCommand(_sql.LockTask, connection, transaction);
        PostgresValues.Text(command.Parameters, "task_id", taskId);
        command.ExecuteNonQuery();
    }

    private ApprovalRecord? FindApprovalIn(NpgsqlConnection connection, NpgsqlTransaction? transaction, string approvalId) =>
        ReadOne(connection, transaction, _sql.FindApproval, p => PostgresValues.Text(p, "approval_id", approvalId), PostgresApprovalRows.Read);

    private LedgerEntry? LastEntry(NpgsqlConnection connection, NpgsqlTransaction transaction, string taskId) =>
        ReadOne(connection, transaction, _sql.LastLedger, p => PostgresValues.Text(p, "task_id", taskId), PostgresLedgerRows.Read);

    private static NpgsqlParameterCollection Add(NpgsqlBatch batch, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(command);
        return command.Parameters;
    }

    private static T? ReadOne<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read)
        where T : class
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        bind(command.Parameters);
        using var reader = command.ExecuteReader();
        return reader.Read() ? read(reader) : null;
    }

    private static List<T> ReadAll<T>(NpgsqlConnection connection, string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read)
    {
        using var command = new NpgsqlCommand(sql, connection);
        bind(command.Parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private T Guard<T>(string operation, string? subject, Func<NpgsqlConnection, T> body)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            using var connection = _source.OpenConnection();
            return body(connection);
        }
        catch (NpgsqlException error)
        {
            throw PostgresStoreErrors.Translate(error, Name, Describe(operation, subject));
        }
        catch (Exception error) when (error is InvalidDataException or InvalidCastException)
        {
            throw PostgresStoreErrors.Unreadable(error, Name, Describe(operation, subject));
        }
    }

    private static string Describe(string operation, string? subject) => subject is null ? operation : $"{operation} '{subject}'";
}
