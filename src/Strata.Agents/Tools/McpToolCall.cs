// One MCP tool bound to its server's session: turns a ToolInvocation into tools/call and the reply into a ToolResult.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Strata.Agents;

/// <summary>Calls one tool of an MCP server; its <see cref="InvokeAsync"/> is the <see cref="AgentTool"/>'s delegate.</summary>
internal sealed class McpToolCall(McpClient client, McpServerSpec spec, string toolName)
{
    /// <summary>The <c>_meta</c> key under which the invocation's idempotency key is sent with every call.</summary>
    public const string IdempotencyKeyMeta = "strata/idempotency_key";

    /// <summary>
    /// Calls the tool. A tool error, or an error the server answers with (unknown tool, bad parameters), is a
    /// <see cref="ToolResult"/> with <see cref="ToolResult.IsError"/> set; a server that exits during the call
    /// leaves the call in doubt and throws <see cref="McpToolException"/>; cancellation propagates.
    /// </summary>
    public async ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Arguments.ValueKind != JsonValueKind.Object)
        {
            return new ToolResult(
                $"tool '{toolName}' on MCP server '{spec.Name}': arguments must be a JSON object, found {invocation.Arguments.ValueKind}",
                IsError: true);
        }

        if (client.Completion.IsCompleted)
        {
            var details = await client.Completion.ConfigureAwait(false);
            throw McpServerFailure.Ended(spec, $"the session had ended before tool '{toolName}' was called (the call was not made)", details);
        }

        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in invocation.Arguments.EnumerateObject())
        {
            arguments[property.Name] = property.Value.Clone();
        }

        var options = new RequestOptions { Meta = new JsonObject { [IdempotencyKeyMeta] = invocation.IdempotencyKey } };
        CallToolResult result;
        try
        {
            result = await client.CallToolAsync(toolName, arguments, progress: null, options, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (McpException error)
        {
            return new ToolResult($"tool '{toolName}' on MCP server '{spec.Name}' failed: {error.Message}", IsError: true);
        }
        catch (IOException error)
        {
            var what = $"exited during a call of tool '{toolName}' (idempotency key '{invocation.IdempotencyKey}'; the call is in doubt)";
            throw McpServerFailure.Of(spec, what, error);
        }

        return new ToolResult(TextOf(result), result.IsError == true);
    }

    /// <summary>
    /// The text blocks of a result joined by newlines; a block of another kind (image, audio, resource) is named in
    /// brackets so the model knows it was there. A result with no content gives its structured content as JSON.
    /// </summary>
    internal static string TextOf(CallToolResult result)
    {
        if (result.Content.Count == 0)
        {
            return result.StructuredContent is { } structured ? structured.GetRawText() : string.Empty;
        }

        var text = new StringBuilder();
        foreach (var block in result.Content)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(block is TextContentBlock textBlock ? textBlock.Text : $"[{block.Type} content]");
        }

        return text.ToString();
    }
}
