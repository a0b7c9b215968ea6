// Opens the agent store the CLI names, as the one place that knows the default store is SQLite.
using Strata.Agents;

namespace Strata.Cli;

/// <summary>The CLI's store.</summary>
internal static class AgentStore
{
    public static ICheckpointStore Open(string path) => SqliteCheckpointStore.Open(Path.GetFullPath(path));
}
