// An MCP server that could not be started, or that exited while a call was in flight, named with its command.
namespace Strata.Agents;

/// <summary>
/// Thrown when an MCP server fails to start, fails its handshake, or exits; the message names the server, its
/// command and the cause. A tool call in flight when the server exits is in doubt, so it throws this rather than
/// returning an error result.
/// </summary>
public sealed class McpToolException : Exception
{
    /// <summary>Creates the exception for a server.</summary>
    /// <param name="serverName">The server's <see cref="McpServerSpec.Name"/>.</param>
    /// <param name="command">The server's <see cref="McpServerSpec.Command"/>.</param>
    /// <param name="problem">What went wrong, and the likely cause.</param>
    /// <param name="innerException">The error that caused it, if any.</param>
    public McpToolException(string serverName, string command, string problem, Exception? innerException)
        : base($"MCP server '{serverName}' (command '{command}'): {problem}", innerException)
    {
        ServerName = serverName;
        Command = command;
    }

    /// <summary>Creates the exception.</summary>
    public McpToolException()
        : this("?", "?", "the MCP server failed", null)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public McpToolException(string message)
        : base(message)
    {
        ServerName = "?";
        Command = "?";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public McpToolException(string message, Exception innerException)
        : base(message, innerException)
    {
        ServerName = "?";
        Command = "?";
    }

    /// <summary>The server's name, from its spec.</summary>
    public string ServerName { get; }

    /// <summary>The command the server was started with.</summary>
    public string Command { get; }
}
