// The checkpoint store on one SQLite file in WAL mode, shared safely by several processes (a runner, an approver).
using Microsoft.Data.Sqlite;
using Strata.Evidence;
using Strata.Evidence.Ledger;

namespace Strata.Agents;

/// <summary>
/// <see cref="ICheckpointStore"/> on a SQLite file. Each instance holds one connection behind a lock, so its
/// methods are thread-safe; several instances and processes may share the file: WAL lets readers run beside the
/// one writer, every write transaction starts with <c>BEGIN IMMEDIATE</c> so writers queue (up to
/// <see cref="SqliteStoreOptions.BusyTimeout"/>) instead of failing, and a ledger append reads the chain's last
/// record inside that transaction, so concurrent writers never fork a chain. Every SQLite failure, including a
/// damaged file, surfaces as <see cref="StoreException"/> naming <see cref="Path"/>. Task owners
/// (<see cref="ITaskOwnership"/>) are a column of the tasks table, claimed by one conditional update.
/// </summary>
public sealed class SqliteCheckpointStore : ICheckpointStore, ITaskOwnership
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteStoreCommands _commands;
    private readonly TimeSpan _busyTimeout;
    private bool _disposed;

    private SqliteCheckpointStore(string path, SqliteConnection connection, SqliteStoreCommands commands, TimeSpan busyTimeout)
    {
        Path = path;
        _connection = connection;
        _commands = commands;
        _busyTimeout = busyTimeout;
    }

    /// <summary>The store file's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating the file and its schema if absent. Switches the file to
    /// WAL, checks its schema version and tables and (unless turned off) runs <c>PRAGMA quick_check</c>, so a damaged
    /// or foreign file fails here rather than at a later read.
    /// </summary>
    /// <exception cref="StoreException">the file is damaged, not a Strata store, of a newer schema, or cannot be opened</exception>
    /// <exception cref="ArgumentOutOfRangeException">an option is out of range</exception>
    public static SqliteCheckpointStore Open(string path, SqliteStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new SqliteStoreOptions();
        SqliteStoreSetup.Validate(options);
        var fullPath = System.IO.Path.GetFullPath(path);
        var connection = new SqliteConnection(SqliteStoreSetup.ConnectionString(fullPath, options));
        SqliteStoreCommands? commands = null;
        var opened = false;
        try
        {
            connection.Open();
            SqliteStoreSetup.Configure(connection, fullPath, options);
            commands = PrepareCommands(connection, fullPath);
            opened = true;
            return new SqliteCheckpointStore(fullPath, connection, commands, options.BusyTimeout);
        }
        catch (SqliteException error)
        {
            throw SqliteStoreErrors.Translate(error, fullPath, "opening it", options.BusyTimeout);
        }
        finally
        {
            if (!opened)
            {
                commands?.Dispose();
                connection.Dispose();
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">a row belongs to another task, or an enum value has no name</exception>
    /// <exception cref="StoreException">the write failed; nothing of the checkpoint was applied</exception>
    public void Commit(Checkpoint checkpoint)
    {
        CheckpointValidator.Validate(checkpoint);
        Guard("committing a checkpoint of task", checkpoint.TaskId, () => CommitLocked(checkpoint));
    }

    /// <inheritdoc />
    public StoredTask? FindTask(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Guard("reading task", taskId, () =>
        {
            SqliteValues.Set(_commands.FindTask, "$task_id", taskId);
            return ReadOne(_commands.FindTask, null, SqliteTaskRows.Read);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredTask> Tasks(AgentTaskStatus? status = null)
    {
        var name = status is { } value ? SqliteValues.Name(value, nameof(status)) : null;
        return Guard(name is null ? "listing tasks" : "listing tasks with status", name, () =>
        {
            SqliteValues.Set(_commands.ListTasks, "$status", name);
            return ReadAll(_commands.ListTasks, SqliteTaskRows.Read);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StepRecord> Steps(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Guard("reading the steps of task", taskId, () =>
        {
            SqliteValues.Set(_commands.ListSteps, "$task_id", taskId);
            return ReadAll(_commands.ListSteps, SqliteStepRows.Read);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<ApprovalRecord> Approvals(string? taskId = null, ApprovalStatus? status = null)
    {
        var name = status is { } value ? SqliteValues.Name(value, nameof(status)) : null;
        return Guard(taskId is null ? "listing approvals" : "listing the approvals of task", taskId, () =>
        {
            SqliteValues.Set(_commands.ListApprovals, "$task_id", taskId);
            SqliteValues.Set(_commands.ListApprovals, "$status", name);
            return ReadAll(_commands.ListApprovals, SqliteApprovalRows.Read);
        });
    }

    /// <inheritdoc />
    public ApprovalRecord? FindApproval(string approvalId)
    {
        ArgumentNullException.ThrowIfNull(approvalId);
        return Guard("reading approval", approvalId, () => FindApprovalIn(approvalId, null));
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

        return Guard("resolving approval", approvalId, () => ResolveLocked(approvalId, status, resolvedBy, reason, at));
    }

    /// <inheritdoc />
    public byte[]? FindBlob(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        return Guard("reading blob", sha256, () =>
        {
            SqliteValues.Set(_commands.FindBlob, "$sha256", sha256);
            return ReadOne(_commands.FindBlob, null, static row => row.GetFieldValue<byte[]>(0));
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<MemoryRecord> Memories(string tenant, string key, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(key);
        return Guard("reading the memories of key", key, () =>
        {
            SqliteValues.Set(_commands.ListMemories, "$tenant", tenant);
            SqliteValues.Set(_commands.ListMemories, "$key", key);
            SqliteValues.Set(_commands.ListMemories, "$at_ticks", at.UtcTicks);
            return ReadAll(_commands.ListMemories, SqliteMemoryRows.Read);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<LedgerEntry> Ledger(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Guard("reading the ledger of task", taskId, () =>
        {
            SqliteValues.Set(_commands.ListLedger, "$task_id", taskId);
            return ReadAll(_commands.ListLedger, SqliteLedgerRows.Read);
        });
    }

    /// <inheritdoc />
    public string? Owner(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Guard("reading the owner of task", taskId, () =>
        {
            SqliteValues.Set(_commands.FindOwner, "$task_id", taskId);
            return SqliteStoreCommands.In(_commands.FindOwner, null).ExecuteScalar() as string;
        });
    }

    /// <inheritdoc />
    public bool TryClaim(string taskId, string owner, string? expectedOwner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return Guard("claiming task", taskId, () =>
        {
            SqliteValues.Set(_commands.ClaimTask, "$task_id", taskId);
            SqliteValues.Set(_commands.ClaimTask, "$owner", owner);
            SqliteValues.Set(_commands.ClaimTask, "$expected", expectedOwner);
            return SqliteStoreCommands.In(_commands.ClaimTask, null).ExecuteNonQuery() == 1;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredTask> TasksOwnedBy(string owner, AgentTaskStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var name = status is { } value ? SqliteValues.Name(value, nameof(status)) : null;
        return Guard("listing the tasks owned by", owner, () =>
        {
            SqliteValues.Set(_commands.ListOwnedTasks, "$owner", owner);
            SqliteValues.Set(_commands.ListOwnedTasks, "$status", name);
            return ReadAll(_commands.ListOwnedTasks, SqliteTaskRows.Read);
        });
    }

    /// <summary>Finalizes the statements and closes the connection (the last one to close folds the WAL back in).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _commands.Dispose();
            _connection.Dispose();
        }
    }

    private static SqliteStoreCommands PrepareCommands(SqliteConnection connection, string path)
    {
        try
        {
            return new SqliteStoreCommands(connection);
        }
        catch (SqliteException error) when ((error.SqliteErrorCode & 0xFF) == 1)
        {
            throw new StoreException(
                $"store '{path}' is damaged or is not a Strata store: its tables do not match schema version "
                + $"{SqliteSchema.Version} (SQLite error: {error.Message})", error);
        }
    }

    private static T? ReadOne<T>(SqliteCommand command, SqliteTransaction? transaction, Func<SqliteDataReader, T> read)
        where T : class
    {
        using var reader = SqliteStoreCommands.In(command, transaction).ExecuteReader();
        return reader.Read() ? read(reader) : null;
    }

    private static List<T> ReadAll<T>(SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        using var reader = SqliteStoreCommands.In(command, null).ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private bool CommitLocked(Checkpoint checkpoint)
    {
        // deferred: false is BEGIN IMMEDIATE: the write lock is taken (or waited for) before the chain is read.
        using var transaction = _connection.BeginTransaction(deferred: false);
        if (checkpoint.Task is { } task)
        {
            SqliteTaskRows.Bind(_commands.UpsertTask, task);
            SqliteStoreCommands.In(_commands.UpsertTask, transaction).ExecuteNonQuery();
        }

        foreach (var step in checkpoint.Steps)
        {
            SqliteStepRows.Bind(_commands.UpsertStep, step);
            SqliteStoreCommands.In(_commands.UpsertStep, transaction).ExecuteNonQuery();
        }

        foreach (var approval in checkpoint.Approvals)
        {
            SqliteApprovalRows.Bind(_commands.InsertApproval, approval);
            SqliteStoreCommands.In(_commands.InsertApproval, transaction).ExecuteNonQuery();
        }

        foreach (var blob in checkpoint.Blobs)
        {
            SqliteValues.Set(_commands.InsertBlob, "$sha256", EvidenceHash.Sha256Hex(blob));
            SqliteValues.Set(_commands.InsertBlob, "$bytes", blob);
            SqliteStoreCommands.In(_commands.InsertBlob, transaction).ExecuteNonQuery();
        }

        foreach (var memory in checkpoint.Memories)
        {
            SqliteMemoryRows.Bind(_commands.InsertMemory, memory);
            SqliteStoreCommands.In(_commands.InsertMemory, transaction).ExecuteNonQuery();
        }

        if (checkpoint.Evidence.Count > 0)
        {
            var previous = LastEntry(checkpoint.TaskId, transaction);
            foreach (var append in checkpoint.Evidence)
            {
                previous = LedgerChain.Append(previous, checkpoint.TaskId, append.Kind, checkpoint.At, append.PayloadJson);
                AppendEntry(previous, transaction);
            }
        }

        transaction.Commit();
        return true;
    }

    private ApprovalResolution ResolveLocked(string approvalId, ApprovalStatus status, string resolvedBy, string reason, DateTimeOffset at)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        var approval = FindApprovalIn(approvalId, transaction);
        if (approval is null)
        {
            return ApprovalResolution.NotFound;
        }

        if (approval.Status != ApprovalStatus.Pending)
        {
            return ApprovalResolution.AlreadyResolved;
        }

        SqliteApprovalRows.BindResolve(_commands.ResolveApproval, approvalId, status, resolvedBy, reason, at);
        SqliteStoreCommands.In(_commands.ResolveApproval, transaction).ExecuteNonQuery();
        var payload = ApprovalResolvedPayload.Of(approval, status, resolvedBy, reason);
        var entry = LedgerChain.Append(LastEntry(approval.TaskId, transaction), approval.TaskId, payload.LedgerKind, at, payload.ToJson());
        AppendEntry(entry, transaction);
        transaction.Commit();
        return ApprovalResolution.Resolved;
    }

    private ApprovalRecord? FindApprovalIn(string approvalId, SqliteTransaction? transaction)
    {
        SqliteValues.Set(_commands.FindApproval, "$approval_id", approvalId);
        return ReadOne(_commands.FindApproval, transaction, SqliteApprovalRows.Read);
    }

    private LedgerEntry? LastEntry(string taskId, SqliteTransaction transaction)
    {
        SqliteValues.Set(_commands.LastLedger, "$task_id", taskId);
        return ReadOne(_commands.LastLedger, transaction, SqliteLedgerRows.Read);
    }

    private void AppendEntry(LedgerEntry entry, SqliteTransaction transaction)
    {
        SqliteLedgerRows.Bind(_commands.AppendLedger, entry);
        SqliteStoreCommands.In(_commands.AppendLedger, transaction).ExecuteNonQuery();
    }

    private T Guard<T>(string operation, string? subject, Func<T> body)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return body();
            }
            catch (SqliteException error)
            {
                throw SqliteStoreErrors.Translate(error, Path, Describe(operation, subject), _busyTimeout);
            }
            catch (InvalidDataException error)
            {
                throw SqliteStoreErrors.Unreadable(error, Path, Describe(operation, subject));
            }
        }
    }

    private static string Describe(string operation, string? subject) => subject is null ? operation : $"{operation} '{subject}'";
}
