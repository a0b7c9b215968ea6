// A damaged, foreign or newer store file fails with a StoreException naming the file, never a raw SqliteException.
using Microsoft.Data.Sqlite;
using static Strata.Agents.Tests.StoreSamples;

namespace Strata.Agents.Tests;

public sealed class SqliteCheckpointStoreDamageTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Writes a closed store of several hundred KiB: tasks with large contracts, steps, blobs and ledger records.</summary>
    private string WrittenStore()
    {
        var path = _folder.PathOf();
        using var store = SqliteCheckpointStore.Open(path);
        var random = new Random(17);
        for (var index = 0; index < 60; index++)
        {
            var taskId = $"task_{index:D3}";
            var blob = new byte[4096];
            random.NextBytes(blob);
            store.Commit(Submit(taskId, index) with
            {
                Task = TaskRow(taskId, minute: index) with { ContractJson = "{\"goal\":\"" + new string('g', 3000) + "\"}" },
                Steps = [Step(taskId, 0), Step(taskId, 1)],
                Blobs = [blob],
            });
        }

        return path;
    }

    private static StoreException AssertStoreException(string path, Action action, string expected = "damaged or is not a Strata store")
    {
        var error = Assert.Throws<StoreException>(action);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Open_TextFile_ThrowsStoreExceptionNamingFile()
    {
        var path = _folder.PathOf("notes.db");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("these are notes, not a database\n", 200)));

        var error = AssertStoreException(path, () => SqliteCheckpointStore.Open(path));
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public void Open_StoreTruncatedToHalf_ThrowsStoreException()
    {
        var path = WrittenStore();
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }

        AssertStoreException(path, () => SqliteCheckpointStore.Open(path));
    }

    [Fact]
    public void Open_StoreTruncatedInsideHeader_ThrowsStoreException()
    {
        var path = WrittenStore();
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(60);
        }

        AssertStoreException(path, () => SqliteCheckpointStore.Open(path));
    }

    [Fact]
    public void Open_StorePagesOverwrittenWithRandomBytes_ThrowsStoreException()
    {
        var path = WrittenStore();
        OverwriteWithRandomBytes(path, offset: 8 * 4096, count: 16 * 4096, seed: 5);

        AssertStoreException(path, () => SqliteCheckpointStore.Open(path));
    }

    [Fact]
    public void Open_HeaderOverwrittenWithRandomBytes_ThrowsStoreException()
    {
        var path = WrittenStore();
        OverwriteWithRandomBytes(path, offset: 0, count: 100, seed: 6);

        AssertStoreException(path, () => SqliteCheckpointStore.Open(path));
    }

    [Fact]
    public void Reads_PagesOverwrittenAndQuickCheckOff_ThrowStoreException()
    {
        var path = WrittenStore();
        OverwriteWithRandomBytes(path, offset: 4 * 4096, count: (int)(new FileInfo(path).Length - (4 * 4096)), seed: 7);

        var error = Assert.Throws<StoreException>(() =>
        {
            using var store = SqliteCheckpointStore.Open(path, new SqliteStoreOptions { QuickCheckOnOpen = false });
            store.Tasks();
            store.Ledger("task_059");
            store.Steps("task_059");
        });
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NewerSchemaVersion_ThrowsStoreExceptionNamingBothVersions()
    {
        var path = _folder.PathOf();
        var newer = SqliteSchema.Version + 1;
        SqliteCheckpointStore.Open(path).Dispose();
        TempStoreFolder.RawScalar(path, $"PRAGMA user_version = {newer}");

        var error = AssertStoreException(path, () => SqliteCheckpointStore.Open(path), $"schema version {newer}");
        Assert.Contains($"version {SqliteSchema.Version}", error.Message, StringComparison.Ordinal);
        Assert.Equal((long)newer, TempStoreFolder.RawScalar(path, "PRAGMA user_version"));
    }

    [Fact]
    public void Open_OtherSqliteDatabase_ThrowsStoreException()
    {
        var path = _folder.PathOf("other.db");
        TempStoreFolder.RawScalar(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");

        var error = AssertStoreException(path, () => SqliteCheckpointStore.Open(path), "not a Strata store");
        Assert.Contains("customers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Version1WithoutTables_ThrowsStoreExceptionNamingMissingTables()
    {
        var path = _folder.PathOf("empty.db");
        TempStoreFolder.RawScalar(path, "CREATE TABLE tasks (task_id TEXT); PRAGMA user_version = 1");

        var error = AssertStoreException(path, () => SqliteCheckpointStore.Open(path));
        Assert.Contains("steps, approvals, blobs, ledger", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Version1WithWrongColumns_ThrowsStoreException()
    {
        var path = _folder.PathOf("shape.db");
        TempStoreFolder.RawScalar(path,
            "CREATE TABLE tasks (task_id TEXT); CREATE TABLE steps (x); CREATE TABLE approvals (x); "
            + "CREATE TABLE blobs (x); CREATE TABLE ledger (x); PRAGMA user_version = 1");

        var error = AssertStoreException(path, () => SqliteCheckpointStore.Open(path));
        Assert.Contains("schema version 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindTask_UnknownEnumNameInRow_ThrowsStoreExceptionNamingColumn()
    {
        var path = _folder.PathOf();
        using var store = SqliteCheckpointStore.Open(path);
        store.Commit(Submit());
        TempStoreFolder.RawScalar(path, "UPDATE tasks SET status = 'Paused'");

        var error = AssertStoreException(path, () => store.FindTask("task_a"));
        Assert.Contains("tasks.status", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Paused'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingFolder_ThrowsStoreExceptionNamingFile()
    {
        var path = Path.Combine(_folder.Folder, "absent", "store.db");

        AssertStoreException(path, () => SqliteCheckpointStore.Open(path), "cannot be opened");
    }

    private static void OverwriteWithRandomBytes(string path, long offset, int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        using var file = new FileStream(path, FileMode.Open);
        Assert.True(file.Length >= offset + count, $"the store has {file.Length} bytes, fewer than {offset + count}");
        file.Position = offset;
        file.Write(bytes);
    }
}
