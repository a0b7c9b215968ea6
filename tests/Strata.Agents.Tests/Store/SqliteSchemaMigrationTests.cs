// A store written by an older Strata opens: SQLite schema version 1 (before task owners) is migrated in place, data kept.
using static Strata.Agents.Tests.StoreSamples;

namespace Strata.Agents.Tests;

public sealed class SqliteSchemaMigrationTests : IDisposable
{
    private readonly SqliteStoreBackend _backend = new();

    public void Dispose() => _backend.Dispose();

    /// <summary>
    /// Writes a store with a task, a step and its ledger, then takes it back to version 1 as version 1 wrote it:
    /// version 2 only added the owner column and its index.
    /// </summary>
    private void WriteVersion1Store()
    {
        using (var store = _backend.Open())
        {
            store.Commit(Submit() with { Steps = [Step()] });
        }

        _backend.RawScalar("DROP INDEX tasks_by_owner; ALTER TABLE tasks DROP COLUMN owner; PRAGMA user_version = 1");
    }

    [Fact]
    public void Open_Version1Store_MigratesToCurrentVersionKeepingRows()
    {
        WriteVersion1Store();

        using var store = (SqliteCheckpointStore)_backend.Open();

        Assert.Equal((long)SqliteSchema.Version, _backend.RawScalar("PRAGMA user_version"));
        Assert.Equal(TaskRow(), store.FindTask("task_a"));
        Assert.Equal([Step()], store.Steps("task_a"));
        Assert.True(Evidence.Ledger.LedgerChain.Verify("task_a", store.Ledger("task_a")).Intact);
        Assert.Null(store.Owner("task_a"));
        Assert.True(store.TryClaim("task_a", "node-a", null));
        Assert.Equal("node-a", store.Owner("task_a"));
    }

    [Fact]
    public void Open_Version1StoreByTwoInstances_MigratesOnce()
    {
        WriteVersion1Store();

        using var first = (SqliteCheckpointStore)_backend.Open();
        using var second = (SqliteCheckpointStore)_backend.Open();

        Assert.True(first.TryClaim("task_a", "node-a", null));
        Assert.Equal("node-a", second.Owner("task_a"));
        Assert.Equal(1L, _backend.RawScalar("SELECT count(*) FROM pragma_table_info('tasks') WHERE name = 'owner'"));
    }
}
