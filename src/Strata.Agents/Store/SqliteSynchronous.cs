// How hard a SQLite store pushes each commit to disk: the trade between commit latency and power-loss durability.
namespace Strata.Agents;

/// <summary>
/// SQLite's <c>PRAGMA synchronous</c> for a store in WAL mode. Both levels keep the store consistent after any
/// crash; they differ only in whether the most recent commits survive a power loss.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// WAL is synced at checkpoints, not at every commit. A commit survives the process being killed (even SIGKILL)
    /// because it is already in the operating system's file cache; a power loss or OS crash can lose the last
    /// commits (never corrupt the store). Commits cost microseconds.
    /// </summary>
    Normal = 0,

    /// <summary>
    /// WAL is synced (fsync) at every commit, so a commit also survives a power loss. Commits cost a disk flush
    /// (from tens of microseconds on NVMe with a power-loss-protected cache to milliseconds elsewhere).
    /// </summary>
    Full = 1,
}
