// Specs for the MCP servers the tests start: the filesystem server from npm (tests/mcp) and the scripted server.
namespace Strata.Agents.Tests.Mcp;

/// <summary>Locates the servers installed in tests/mcp and builds specs that start them with node.</summary>
internal static class McpServers
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding tests/mcp's package.json and the scripted server.</summary>
    public static string Directory => Path.Combine(Root.Value, "tests", "mcp");

    /// <summary>
    /// Starts @modelcontextprotocol/server-filesystem allowed to use only <paramref name="allowedDirectory"/>.
    /// </summary>
    public static McpServerSpec Filesystem(string allowedDirectory, string name = "fs") => new()
    {
        Name = name,
        Command = "node",
        Arguments = [FilesystemEntry(), allowedDirectory],
    };

    /// <summary>Starts tests/mcp/scripted-server.mjs (tools echo, fail, exit).</summary>
    public static McpServerSpec Scripted(string name = "scripted") => new()
    {
        Name = name,
        Command = "node",
        Arguments = [Path.Combine(Directory, "scripted-server.mjs")],
    };

    private static string FilesystemEntry()
    {
        var entry = Path.Combine(Directory, "node_modules", "@modelcontextprotocol", "server-filesystem", "dist", "index.js");
        if (!File.Exists(entry))
        {
            throw new FileNotFoundException(
                $"the MCP filesystem server is not installed: {entry} is missing; run `(cd tests/mcp && npm ci)` "
                + "(scripts/test does it when tests/mcp/node_modules is missing)",
                entry);
        }

        return entry;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Strata.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Strata.sln not found in any folder above {AppContext.BaseDirectory}");
    }
}
