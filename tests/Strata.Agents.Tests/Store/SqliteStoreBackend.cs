// The store contract tests on a SQLite file in a temp folder.
namespace Strata.Agents.Tests;

/// <summary>A store file in a fresh <see cref="TempStoreFolder"/>.</summary>
public sealed class SqliteStoreBackend : StoreBackend
{
    private readonly TempStoreFolder _folder = new();

    /// <summary>The store file (created by the first <see cref="Open"/>).</summary>
    public string Path => _folder.PathOf();

    public override ICheckpointStore Open() => SqliteCheckpointStore.Open(Path);

    public override string NameOf(ICheckpointStore store) => ((SqliteCheckpointStore)store).Path;

    public override object? RawScalar(string sql) => TempStoreFolder.RawScalar(Path, sql);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _folder.Dispose();
        }

        base.Dispose(disposing);
    }
}
