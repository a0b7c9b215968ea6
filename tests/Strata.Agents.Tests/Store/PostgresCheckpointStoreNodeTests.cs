// Several nodes on one PostgreSQL database: concurrent writers of different tasks, a writer that waits only for its own
// task, conflicting writes that fail whole, opening a new or existing schema at once, and a schema beside other tables.
using Npgsql;
using Strata.Agents.PostgreSql;
using Strata.Evidence.Ledger;
using static Strata.Agents.Tests.StoreSamples;

namespace Strata.Agents.Tests;

public sealed class PostgresCheckpointStoreNodeTests : IDisposable
{
    private static readonly string[] Nodes = ["node-a", "node-b"];
    private readonly PostgresStoreBackend _backend = new();

    public void Dispose() => _backend.Dispose();

    // Each node runs its own tasks, both nodes committing at once (the barrier lines them up); odd checkpoints read the
    // chain before writing anything.
    [Fact]
    public async Task Commit_TwoNodesWritingTheirOwnTasksAtOnce_EveryChainIntact()
    {
        const int tasksPerNode = 3;
        const int commitsPerTask = 40;
        using var start = new Barrier(Nodes.Length);
        var nodes = Nodes.Select(node => Task.Factory.StartNew(() =>
        {
            using var store = _backend.Open();
            var taskIds = Enumerable.Range(0, tasksPerNode).Select(index => $"task_{node}_{index}").ToList();
            taskIds.ForEach(taskId => store.Commit(Submit(taskId)));
            for (var index = 0; index < commitsPerTask * tasksPerNode; index++)
            {
                start.SignalAndWait();
                var taskId = taskIds[index % tasksPerNode];
                store.Commit(new Checkpoint(taskId, Start.AddSeconds(index))
                {
                    Steps = index % 2 == 0 ? [Step(taskId, index / tasksPerNode)] : [],
                    Evidence = [new LedgerAppend("tool.completed", $"{{\"n\":{index}}}")],
                });
            }

            return taskIds;
        }, TaskCreationOptions.LongRunning)).ToArray();
        var taskIdsByNode = await Task.WhenAll(nodes);

        using var check = _backend.Open();
        foreach (var taskId in taskIdsByNode.SelectMany(taskIds => taskIds))
        {
            var verdict = LedgerChain.Verify(taskId, check.Ledger(taskId));
            Assert.True(verdict.Intact, verdict.Problem);
            Assert.Equal(1 + commitsPerTask, verdict.RecordCount);
            Assert.Equal(commitsPerTask / 2, check.Steps(taskId).Count);
        }
    }

    // Another node's transaction holds task_a's row lock: a commit to task_b goes through, and one to task_a waits for
    // that transaction and then chains after what it appended.
    [Fact]
    public async Task Commit_TaskLockedByAnotherNode_OtherTasksCommitAndThatTaskWaits()
    {
        using var store = _backend.Open();
        store.Commit(Submit("task_a"));
        store.Commit(Submit("task_b"));
        var other = _backend.Open();
        using var holder = new NpgsqlConnection(_backend.ConnectionString);
        holder.Open();
        using var transaction = holder.BeginTransaction();
        Execute(holder, transaction, "SELECT 1 FROM strata_agents.tasks WHERE task_id = 'task_a' FOR NO KEY UPDATE");
        var chained = LedgerChain.Append(store.Ledger("task_a")[^1], "task_a", "tool.completed", Start, "{\"by\":\"holder\"}");
        Execute(holder, transaction,
            "INSERT INTO strata_agents.ledger (task_id, seq, kind, at_ticks, at_offset_minutes, payload, prev_hash, hash) "
            + $"VALUES ('task_a', {chained.Sequence}, '{chained.Kind}', {chained.At.UtcTicks}, {chained.At.TotalOffsetMinutes}, "
            + $"'{chained.PayloadJson}', '{chained.PreviousHash}', '{chained.Hash}')");

        store.Commit(new Checkpoint("task_b", Start) { Evidence = [new LedgerAppend("tool.completed", "{}")] });
        var waiting = Task.Run(() => other.Commit(new Checkpoint("task_a", Start) { Evidence = [new LedgerAppend("tool.started", "{}")] }));
        await WaitUntilABackendWaitsForALock();
        Assert.False(waiting.IsCompleted);
        transaction.Commit();
        await waiting;

        var ledger = store.Ledger("task_a");
        Assert.True(LedgerChain.Verify("task_a", ledger).Intact);
        Assert.Equal(["task.submitted", "tool.completed", "tool.started"], ledger.Select(entry => entry.Kind));
        Assert.Equal(2, store.Ledger("task_b").Count);
        other.Dispose();
    }

    // Two nodes raise an approval under the same id for different calls at once: one commit lands whole, the other
    // fails whole (its ledger record with it), and the chain holds.
    [Fact]
    public async Task Commit_SameApprovalIdForTwoCallsFromTwoNodes_OneLandsOtherFailsWhole()
    {
        using (var setup = _backend.Open())
        {
            setup.Commit(Submit());
        }

        using var start = new Barrier(Nodes.Length);
        var nodes = Nodes.Select(node => Task.Factory.StartNew(() =>
        {
            using var store = _backend.Open();
            start.SignalAndWait();
            try
            {
                store.Commit(new Checkpoint("task_a", Start)
                {
                    Approvals = [Approval(toolIdentity: node)],
                    Evidence = [new LedgerAppend("approval.raised", $"{{\"node\":\"{node}\"}}")],
                });
                return null;
            }
            catch (StoreException error)
            {
                return error;
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        var errors = await Task.WhenAll(nodes);

        var error = Assert.Single(errors, error => error is not null)!;
        Assert.Contains("approvals", error.Message, StringComparison.Ordinal);
        using var check = _backend.Open();
        var approval = Assert.Single(check.Approvals());
        var ledger = check.Ledger("task_a");
        Assert.True(LedgerChain.Verify("task_a", ledger).Intact);
        Assert.Equal(["task.submitted", "approval.raised"], ledger.Select(entry => entry.Kind));
        Assert.Contains(approval.ToolIdentity, ledger[1].PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_SchemaAlreadyThere_OpensAndReadsWhatWasWritten()
    {
        using (var first = _backend.Open())
        {
            first.Commit(Submit() with { Steps = [Step()], Blobs = [[1, 2, 3]] });
        }

        using var again = _backend.Open();

        Assert.Equal(TaskRow(), again.FindTask("task_a"));
        Assert.Equal([Step()], again.Steps("task_a"));
        Assert.Equal(1, _backend.RawScalar($"SELECT version FROM {PostgresSchema.VersionTable}"));
        Assert.Equal(1L, _backend.RawScalar($"SELECT count(*) FROM {PostgresSchema.VersionTable}"));
    }

    // Nodes starting together on a new database: the advisory lock lets one create the schema while the others wait
    // and then find it (without it, concurrent CREATE SCHEMA / CREATE TABLE fail with unique violations).
    [Fact]
    public async Task Open_FourNodesAtOnceOnNewDatabase_CreateTheSchemaOnce()
    {
        using var start = new Barrier(4);
        var opens = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return _backend.Open();
        }, TaskCreationOptions.LongRunning)).ToArray();
        var stores = await Task.WhenAll(opens);

        stores[0].Commit(Submit());
        Assert.All(stores, store => Assert.NotNull(store.FindTask("task_a")));
        Assert.Equal(1L, _backend.RawScalar($"SELECT count(*) FROM {PostgresSchema.VersionTable}"));
        Array.ForEach(stores, store => store.Dispose());
    }

    [Fact]
    public void Open_TwoSchemasBesideOtherTables_StoresAreApart()
    {
        PostgresStoreBackend.RawScalar(_backend.ConnectionString,
            "CREATE TABLE OrleansMembershipTable (DeploymentId varchar(150) NOT NULL, Address varchar(45) NOT NULL)", "public");
        using var blue = PostgresCheckpointStore.Open(_backend.ConnectionString, new PostgresStoreOptions { Schema = "blue" });
        using var green = PostgresCheckpointStore.Open(_backend.ConnectionString, new PostgresStoreOptions { Schema = "green" });

        blue.Commit(Submit("task_blue"));
        green.Commit(Submit("task_green"));

        Assert.Equal(["task_blue"], blue.Tasks().Select(task => task.TaskId));
        Assert.Equal(["task_green"], green.Tasks().Select(task => task.TaskId));
        Assert.Contains("schema blue", blue.Name, StringComparison.Ordinal);
        Assert.Equal(0L, PostgresStoreBackend.RawScalar(_backend.ConnectionString, "SELECT count(*) FROM OrleansMembershipTable", "public"));
    }

    [Fact]
    public void Open_SchemaHoldingOtherTables_ThrowsNotAStrataStore()
    {
        PostgresStoreBackend.RawScalar(_backend.ConnectionString, "CREATE TABLE customers (id integer PRIMARY KEY, name text)", "public");

        var error = Assert.Throws<StoreException>(() => PostgresCheckpointStore.Open(_backend.ConnectionString, new PostgresStoreOptions { Schema = "public" }));

        Assert.Contains("not a Strata store", error.Message, StringComparison.Ordinal);
        Assert.Contains("customers", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, PostgresStoreBackend.RawScalar(_backend.ConnectionString, "SELECT count(*) FROM pg_tables WHERE tablename = 'tasks'", "public"));
    }

    [Fact]
    public void Open_NewerSchemaVersion_ThrowsStoreExceptionNamingBothVersions()
    {
        _backend.Open().Dispose();
        _backend.RawScalar($"UPDATE {PostgresSchema.VersionTable} SET version = {PostgresSchema.Version + 1}");

        var error = Assert.Throws<StoreException>(() => _backend.Open());

        Assert.Contains($"schema version {PostgresSchema.Version + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"version {PostgresSchema.Version} that this Strata reads", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ALTER TABLE steps DROP COLUMN detail", "do not match schema version")]
    [InlineData("DROP TABLE memories", "lacks table(s) memories")]
    [InlineData("DELETE FROM store_version", "0 rows in store_version")]
    public void Open_DamagedSchema_ThrowsStoreExceptionSayingWhat(string damage, string expected)
    {
        _backend.Open().Dispose();
        _backend.RawScalar(damage);

        var error = Assert.Throws<StoreException>(() => _backend.Open());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("damaged or is not a Strata store", error.Message, StringComparison.Ordinal);
        Assert.Contains("postgresql://127.0.0.1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindTask_UnknownEnumNameInRow_ThrowsStoreExceptionNamingColumn()
    {
        using var store = _backend.Open();
        store.Commit(Submit());
        _backend.RawScalar("UPDATE tasks SET status = 'Paused'");

        var error = Assert.Throws<StoreException>(() => store.FindTask("task_a"));

        Assert.Contains("tasks.status", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Paused'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NoServerAtPort_ThrowsStoreExceptionWithoutThePassword()
    {
        var settings = new NpgsqlConnectionStringBuilder(_backend.ConnectionString) { Port = 1, Password = "s3cret-pw", Timeout = 5 };

        var error = Assert.Throws<StoreException>(() => PostgresCheckpointStore.Open(settings.ConnectionString));

        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("postgresql://127.0.0.1:1/", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingDatabase_ThrowsStoreExceptionSayingSo()
    {
        var settings = new NpgsqlConnectionStringBuilder(_backend.ConnectionString) { Database = "strata_no_such_database" };

        var error = Assert.Throws<StoreException>(() => PostgresCheckpointStore.Open(settings.ConnectionString));

        Assert.Contains("database does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Strata")]
    [InlineData("1st")]
    [InlineData("a\"; DROP TABLE x; --")]
    public void Open_SchemaNotALowerCaseIdentifier_ThrowsArgumentException(string schema)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresCheckpointStore.Open(_backend.ConnectionString, new PostgresStoreOptions { Schema = schema }));

        Assert.Contains("options.Schema", error.Message, StringComparison.Ordinal);
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    // Polls the server's own view of its backends (no sleep decides the outcome): returns once one waits for a lock.
    private async Task WaitUntilABackendWaitsForALock()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Convert.ToInt64(_backend.RawScalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) == 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
