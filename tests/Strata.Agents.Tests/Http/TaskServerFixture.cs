// One task server for a test class, in a temp folder deleted afterwards.
namespace Strata.Agents.Tests.Http;

public sealed class TaskServerFixture : IAsyncLifetime
{
    private TaskServer? _server;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "strata-task-routes-" + Guid.NewGuid().ToString("N"));

    public string Workspace => Path.Combine(Folder, "workspace");

    internal TaskServer Server => _server!;

    public async Task InitializeAsync() => _server = await TaskServer.StartAsync(Folder, TaskServer.Script("write_file"));

    /// <summary>A fresh output file in the workspace, one per test.</summary>
    public string NewOutput() => Path.Combine(Workspace, Guid.NewGuid().ToString("N") + ".txt");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
