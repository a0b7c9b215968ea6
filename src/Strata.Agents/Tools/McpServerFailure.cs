// Turns what the MCP SDK reports about a failed or exited server into one McpToolException message line.
using ModelContextProtocol.Client;

namespace Strata.Agents;

/// <summary>Builds <see cref="McpToolException"/>s whose message carries the cause, exit code and stderr tail.</summary>
internal static class McpServerFailure
{
    /// <summary>An exception meaning the server or its transport failed, as opposed to a bug or a cancellation.</summary>
    public static bool IsServerFailure(Exception error) =>
        error is IOException or ModelContextProtocol.McpException or TimeoutException or InvalidOperationException
            or System.ComponentModel.Win32Exception;

    /// <summary>The server failed while doing <paramref name="what"/>, with <paramref name="error"/> as the cause.</summary>
    public static McpToolException Of(McpServerSpec spec, string what, Exception error) =>
        new(spec.Name, spec.Command, $"{what}: {Cause(error)}", error);

    /// <summary>The session had already ended, as <paramref name="details"/> tells, before <paramref name="what"/>.</summary>
    public static McpToolException Ended(McpServerSpec spec, string what, ClientCompletionDetails details)
    {
        var fallback = details.Exception is { } error ? FirstLine(error.Message) : "the session was closed";
        return new McpToolException(spec.Name, spec.Command, $"{what}: {Describe(details, fallback)}", details.Exception);
    }

    /// <summary>The error's message on one line, then each inner cause it does not already say.</summary>
    private static string Cause(Exception error)
    {
        if (error is ClientTransportClosedException { Details: { } details })
        {
            return Describe(details, FirstLine(error.Message));
        }

        var cause = OneLine(error.Message);
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            var line = FirstLine(inner.Message);
            if (!cause.Contains(line, StringComparison.Ordinal))
            {
                cause += ": " + line;
            }
        }

        return cause;
    }

    /// <summary>How the session ended: the exit code when the process is known to have exited, and its stderr tail.</summary>
    private static string Describe(ClientCompletionDetails details, string fallback)
    {
        if (details is not StdioClientCompletionDetails stdio)
        {
            return fallback;
        }

        var text = stdio.ExitCode is { } exitCode ? $"the server process exited with code {exitCode}" : fallback;
        if (stdio.StandardErrorTail is { Count: > 0 } stderr)
        {
            text += "; its stderr ends: " + string.Join(" | ", stderr);
        }

        return text;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).TrimEnd('\r', ' ', '.');
    }

    private static string OneLine(string message) =>
        string.Join(" | ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .TrimEnd('.');
}
