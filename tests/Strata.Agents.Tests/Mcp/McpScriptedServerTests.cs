// McpToolSource against tests/mcp/scripted-server.mjs: request metadata, environment, protocol errors, a server that
// exits mid-call or at start, and a tool whose description changes between listings.
using System.Text.Json;

namespace Strata.Agents.Tests.Mcp;

public sealed class McpScriptedServerTests
{
    private static ToolInvocation Call(string arguments, string key = "task_mcp/step-1") =>
        new("task_mcp", JsonDocument.Parse(arguments).RootElement, key);

    private static AgentTool Tool(McpToolSource source, string name) => source.Tools.Single(tool => tool.Name == name);

    [Fact]
    public async Task InvokeAsync_Echo_SendsArgumentsAndTheIdempotencyKeyAsMeta()
    {
        using var workingDirectory = new TempDirectory();
        var spec = McpServers.Scripted() with
        {
            WorkingDirectory = workingDirectory.Path,
            Environment = new Dictionary<string, string> { ["STRATA_SCRIPTED"] = "from-spec" },
        };
        await using var source = await McpToolSource.ConnectAsync(spec, CancellationToken.None);

        var result = await Tool(source, "echo").InvokeAsync(Call("""{"text":"hi","n":[1,2.5,null]}"""), CancellationToken.None);

        Assert.False(result.IsError, result.Content);
        var echoed = JsonDocument.Parse(result.Content).RootElement;
        Assert.Equal("""{"text":"hi","n":[1,2.5,null]}""", echoed.GetProperty("arguments").GetRawText());
        Assert.Equal("task_mcp/step-1", echoed.GetProperty("meta").GetProperty("strata/idempotency_key").GetString());
        Assert.Equal("from-spec", echoed.GetProperty("env").GetString());
        Assert.Equal(workingDirectory.Path, echoed.GetProperty("cwd").GetString());
    }

    [Fact]
    public async Task InvokeAsync_ServerAnswersAProtocolError_ReturnsAnErrorResult()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Scripted(), CancellationToken.None);

        var result = await Tool(source, "fail").InvokeAsync(Call("{}"), CancellationToken.None);

        Assert.True(result.IsError);
        Assert.StartsWith("tool 'fail' on MCP server 'scripted' failed: ", result.Content, StringComparison.Ordinal);
        Assert.Contains("scripted failure", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ServerExitsDuringTheCall_ThrowsNamingTheServerAndTheCall()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Scripted(), CancellationToken.None);

        var error = await Assert.ThrowsAsync<McpToolException>(
            async () => await Tool(source, "exit").InvokeAsync(Call("{}", "key-in-doubt"), CancellationToken.None));

        Assert.Equal("scripted", error.ServerName);
        Assert.Equal("node", error.Command);
        Assert.Contains("tool 'exit'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'key-in-doubt'", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ServerHadExited_ThrowsSayingTheCallWasNotMade()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Scripted(), CancellationToken.None);
        await Assert.ThrowsAsync<McpToolException>(
            async () => await Tool(source, "exit").InvokeAsync(Call("{}"), CancellationToken.None));
        await source.Completion;

        var error = await Assert.ThrowsAsync<McpToolException>(
            async () => await Tool(source, "echo").InvokeAsync(Call("{}"), CancellationToken.None));

        Assert.Contains("before tool 'echo' was called (the call was not made)", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => McpToolSource.ConnectAsync(McpServers.Scripted(), cancelled.Token));
    }

    [Fact]
    public async Task RefreshAsync_ChangedDescription_GivesThatToolANewIdentity()
    {
        await using var source = await McpToolSource.ConnectAsync(McpServers.Scripted(), CancellationToken.None);
        var echoBefore = Tool(source, "echo");
        var failBefore = Tool(source, "fail");

        await source.RefreshAsync(CancellationToken.None);

        Assert.Equal("Echoes its arguments (listing 2)", Tool(source, "echo").Description);
        Assert.NotEqual(echoBefore.Identity, Tool(source, "echo").Identity);
        Assert.Equal(failBefore.Identity, Tool(source, "fail").Identity);
    }

    [Fact]
    public async Task ConnectAsync_ServerExitsAtStart_ThrowsWithTheExitCodeAndStderr()
    {
        var spec = new McpServerSpec
        {
            Name = "quits",
            Command = "node",
            Arguments = ["-e", "process.stderr.write('no configuration given\\n'); process.exit(2)"],
        };

        var error = await Assert.ThrowsAsync<McpToolException>(() => McpToolSource.ConnectAsync(spec, CancellationToken.None));

        Assert.StartsWith("MCP server 'quits' (command 'node'): failed to start", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("no configuration given", error.Message, StringComparison.Ordinal);
    }
}
