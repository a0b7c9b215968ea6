// How a SQLite checkpoint store is opened: durability of commits, how long to wait for another writer, checks.
namespace Strata.Agents;

/// <summary>Options of <see cref="SqliteCheckpointStore.Open"/>.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>The default wait for a lock held by another connection or process.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Durability of each commit; <see cref="SqliteSynchronous.Normal"/> by default (a commit survives SIGKILL of
    /// the process; only a power loss or OS crash can lose the last commits).
    /// </summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Normal;

    /// <summary>
    /// How long a call waits for a lock held by another writer (another process, or another store instance on the
    /// same file) before it fails with <see cref="StoreException"/>; 10 seconds by default. Must be positive. SQLite
    /// waits this long; Microsoft.Data.Sqlite's own retry, whose timeout is in whole seconds, may stretch a
    /// sub-second value up to the next second.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = DefaultBusyTimeout;

    /// <summary>
    /// Run <c>PRAGMA quick_check</c> when opening, so that a damaged file fails at open rather than at a later read;
    /// true by default. It reads the whole file, so its cost grows with the store's size (milliseconds for a few
    /// megabytes); a service opening a very large store may turn it off and rely on damage surfacing per call.
    /// </summary>
    public bool QuickCheckOnOpen { get; init; } = true;
}
