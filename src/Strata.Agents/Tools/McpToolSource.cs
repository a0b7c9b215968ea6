// Tools offered by one MCP server, started as a child process over stdio and governed by the spec's declarations.
using ModelContextProtocol.Client;

namespace Strata.Agents;

/// <summary>
/// A connection to one MCP server whose tools are offered as <see cref="AgentTool"/>s, each with source
/// <c>mcp:NAME</c> and the declaration the <see cref="McpServerSpec"/> gives it. Disposing it stops the server.
/// </summary>
public sealed class McpToolSource : IAsyncDisposable
{
    private readonly McpServerSpec _spec;
    private readonly McpClient _client;
    private IReadOnlyList<AgentTool> _tools = [];

    private McpToolSource(McpServerSpec spec, McpClient client)
    {
        _spec = spec;
        _client = client;
    }

    /// <summary>The spec the server was started from.</summary>
    public McpServerSpec Spec => _spec;

    /// <summary>The tools the server offered when last listed (at connect or by <see cref="RefreshAsync"/>).</summary>
    public IReadOnlyList<AgentTool> Tools => Volatile.Read(ref _tools);

    /// <summary>Completes when the session with the server ends; its details carry the process id and exit code.</summary>
    internal Task<ClientCompletionDetails> Completion => _client.Completion;

    /// <summary>Starts the server, completes the MCP handshake and lists its tools.</summary>
    /// <exception cref="McpToolException">the server did not start, failed the handshake or could not list its tools</exception>
    public static async Task<McpToolSource> ConnectAsync(McpServerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Command);
        McpClient client;
        try
        {
            var transport = new StdioClientTransport(TransportOptions(spec));
            client = await McpClient.CreateAsync(transport, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (McpServerFailure.IsServerFailure(error))
        {
            throw McpServerFailure.Of(spec, "failed to start or to complete the MCP handshake", error);
        }

        var source = new McpToolSource(spec, client);
        try
        {
            await source.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return source;
    }

    /// <summary>
    /// Lists the server's tools again and replaces <see cref="Tools"/>. A tool whose description or schema changed
    /// gets a new <see cref="AgentTool.Identity"/>, so approvals given to the old one do not carry over.
    /// </summary>
    /// <exception cref="McpToolException">the server has exited or could not list its tools</exception>
    public async Task<IReadOnlyList<AgentTool>> RefreshAsync(CancellationToken cancellationToken)
    {
        if (_client.Completion.IsCompleted)
        {
            var details = await _client.Completion.ConfigureAwait(false);
            throw McpServerFailure.Ended(_spec, "could not list its tools (tools/list): the session had ended", details);
        }

        IList<McpClientTool> listed;
        try
        {
            listed = await _client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (McpServerFailure.IsServerFailure(error))
        {
            throw McpServerFailure.Of(_spec, "could not list its tools (tools/list)", error);
        }

        var tools = new List<AgentTool>(listed.Count);
        foreach (var listedTool in listed)
        {
            var protocolTool = listedTool.ProtocolTool;
            var call = new McpToolCall(_client, _spec, protocolTool.Name);
            tools.Add(new AgentTool(
                protocolTool.Name,
                protocolTool.Description ?? string.Empty,
                protocolTool.InputSchema,
                _spec.DeclarationFor(protocolTool.Name),
                call.InvokeAsync,
                "mcp:" + _spec.Name));
        }

        Volatile.Write(ref _tools, tools);
        return tools;
    }

    /// <summary>Ends the session and stops the server process.</summary>
    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static StdioClientTransportOptions TransportOptions(McpServerSpec spec)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in spec.Environment)
        {
            environment[key] = value;
        }

        return new StdioClientTransportOptions
        {
            Name = spec.Name,
            Command = spec.Command,
            Arguments = [.. spec.Arguments],
            WorkingDirectory = spec.WorkingDirectory,
            EnvironmentVariables = environment,
        };
    }
}
