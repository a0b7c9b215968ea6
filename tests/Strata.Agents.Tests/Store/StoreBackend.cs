// What a store contract test needs of a backend: a fresh store to open (again), its name in messages, raw SQL past it.
namespace Strata.Agents.Tests;

/// <summary>
/// One empty store per test (a file, a database) that <see cref="Open"/> opens as many times as a test wants, as
/// several processes or nodes would. Tests written against it run on every store (<see cref="SqliteStoreBackend"/>,
/// <see cref="PostgresStoreBackend"/>).
/// </summary>
public abstract class StoreBackend : IDisposable
{
    /// <summary>Opens another instance on this test's store.</summary>
    public abstract ICheckpointStore Open();

    /// <summary>How the store's exceptions name it.</summary>
    public abstract string NameOf(ICheckpointStore store);

    /// <summary>Runs one statement on the store's tables (named unqualified), past the store; returns the first column of its first row.</summary>
    public abstract object? RawScalar(string sql);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
