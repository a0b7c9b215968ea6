// McpToolSource against the real @modelcontextprotocol/server-filesystem from npm (installed in tests/mcp).
using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol.Client;

namespace Strata.Agents.Tests.Mcp;

public sealed class McpFilesystemTests : IDisposable
{
    private readonly TempDirectory _allowed = new();
    private readonly TempDirectory _outside = new();

    public void Dispose()
    {
        _allowed.Dispose();
        _outside.Dispose();
    }

    private static ToolInvocation Call(object arguments, string key = "key-1") =>
        new("task_mcp", JsonSerializer.SerializeToElement(arguments), key);

    private static AgentTool Tool(McpToolSource source, string name) => source.Tools.Single(tool => tool.Name == name);

    [Fact]
    public async Task ConnectAsync_FilesystemServer_OffersItsToolsWithObjectSchemas()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Filesystem(_allowed.Path), CancellationToken.None);

        var names = source.Tools.Select(tool => tool.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "read_text_file", "write_file", "list_directory", "edit_file", "move_file" }, names);
        Assert.All(source.Tools, tool =>
        {
            Assert.Equal("mcp:fs", tool.Source);
            Assert.False(string.IsNullOrWhiteSpace(tool.Description));
            Assert.Equal(JsonValueKind.Object, tool.ParametersSchema.ValueKind);
            Assert.Equal("object", tool.ParametersSchema.GetProperty("type").GetString());
        });
        var writeSchema = Tool(source, "write_file").ParametersSchema;
        Assert.Equal(["path", "content"], writeSchema.GetProperty("required").EnumerateArray().Select(item => item.GetString()));
    }

    [Fact]
    public async Task ConnectAsync_ToolWithoutDeclaration_GetsTheConservativeDefault()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Filesystem(_allowed.Path), CancellationToken.None);

        var expected = new ToolDeclaration { Effects = ToolEffects.Read | ToolEffects.Write | ToolEffects.External, Scope = "mcp:fs" };
        Assert.All(source.Tools, tool => Assert.Equal(expected, tool.Declaration));
    }

    [Fact]
    public async Task ConnectAsync_SameSpecTwice_GivesTheSameIdentities()
    {
        var spec = McpServers.Filesystem(_allowed.Path);
        await using var first = await McpToolSource.ConnectAsync(spec, CancellationToken.None);
        await using var second = await McpToolSource.ConnectAsync(spec, CancellationToken.None);

        Assert.Equal(first.Tools.Select(tool => tool.Identity), second.Tools.Select(tool => tool.Identity));
        Assert.Equal(first.Tools.Count, first.Tools.Select(tool => tool.Identity).Distinct().Count());
    }

    [Fact]
    public async Task ConnectAsync_DifferentDeclaration_ChangesOnlyThatToolsIdentity()
    {
        var plain = McpServers.Filesystem(_allowed.Path);
        var declared = plain with
        {
            Tools = new Dictionary<string, ToolDeclaration>
            {
                ["write_file"] = new() { Effects = ToolEffects.Write, Scope = "files:write", Idempotent = true },
            },
        };
        await using var first = await McpToolSource.ConnectAsync(plain, CancellationToken.None);
        await using var second = await McpToolSource.ConnectAsync(declared, CancellationToken.None);

        Assert.NotEqual(Tool(first, "write_file").Identity, Tool(second, "write_file").Identity);
        Assert.Equal(Tool(first, "read_text_file").Identity, Tool(second, "read_text_file").Identity);
        Assert.Equal("files:write", Tool(second, "write_file").Declaration.Scope);
    }

    [Fact]
    public async Task RefreshAsync_UnchangedServer_KeepsTheIdentities()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Filesystem(_allowed.Path), CancellationToken.None);
        var before = source.Tools.Select(tool => tool.Identity).ToList();

        var refreshed = await source.RefreshAsync(CancellationToken.None);

        Assert.Equal(before, refreshed.Select(tool => tool.Identity));
        Assert.Same(refreshed, source.Tools);
    }

    [Fact]
    public async Task InvokeAsync_WriteThenRead_WritesTheFileAndReadsItBack()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Filesystem(_allowed.Path), CancellationToken.None);
        var path = _allowed.File("note.txt");

        var written = await Tool(source, "write_file").InvokeAsync(Call(new { path, content = "hello from strata\n" }), CancellationToken.None);
        var read = await Tool(source, "read_text_file").InvokeAsync(Call(new { path }, "key-2"), CancellationToken.None);

        Assert.False(written.IsError, written.Content);
        Assert.Equal("hello from strata\n", await File.ReadAllTextAsync(path));
        Assert.False(read.IsError, read.Content);
        Assert.Equal("hello from strata\n", read.Content);
    }

    [Fact]
    public async Task InvokeAsync_PathOutsideAllowedDirectory_ReturnsAnErrorResult()
    {
        var secret = _outside.File("secret.txt");
        await File.WriteAllTextAsync(secret, "not for the agent");
        await using var source = await McpToolSource.ConnectAsync(McpServers.Filesystem(_allowed.Path), CancellationToken.None);

        var result = await Tool(source, "read_text_file").InvokeAsync(Call(new { path = secret }), CancellationToken.None);

        Assert.True(result.IsError);
        Assert.Contains("outside allowed directories", result.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("not for the agent", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ArgumentsNotAnObject_ReturnsAnErrorResultNamingTheTool()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Filesystem(_allowed.Path), CancellationToken.None);

        var result = await Tool(source, "list_directory").InvokeAsync(
            new ToolInvocation("task_mcp", JsonDocument.Parse("[1, 2]").RootElement, "key-1"), CancellationToken.None);

        Assert.True(result.IsError);
        Assert.Contains("tool 'list_directory' on MCP server 'fs'", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_CancelledToken_ThrowsOperationCanceled()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Filesystem(_allowed.Path), CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await Tool(source, "list_directory").InvokeAsync(Call(new { path = _allowed.Path }), cancelled.Token));
    }

    [Fact]
    public async Task DisposeAsync_ConnectedServer_StopsTheProcess()
    {
        var source = await McpToolSource.ConnectAsync(McpServers.Filesystem(_allowed.Path), CancellationToken.None);

        await source.DisposeAsync();
        var details = Assert.IsType<StdioClientCompletionDetails>(await source.Completion);

        Assert.NotNull(details.ProcessId);
        Assert.True(HasExited(details.ProcessId.Value), $"server process {details.ProcessId} still runs after DisposeAsync");
    }

    [Fact]
    public async Task ConnectAsync_MissingCommand_ThrowsNamingTheServerAndCommand()
    {
        var spec = McpServers.Filesystem(_allowed.Path, "broken-fs") with { Command = "strata-no-such-command" };

        var error = await Assert.ThrowsAsync<McpToolException>(() => McpToolSource.ConnectAsync(spec, CancellationToken.None));

        Assert.Equal("broken-fs", error.ServerName);
        Assert.StartsWith("MCP server 'broken-fs' (command 'strata-no-such-command'): failed to start", error.Message, StringComparison.Ordinal);
    }

    private static bool HasExited(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no process has that id any more
        }
    }
}
