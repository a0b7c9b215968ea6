// How to start one MCP server over stdio, and the governance declaration of each tool it offers.
namespace Strata.Agents;

/// <summary>
/// An MCP server to start as a child process, with the declarations its tools are governed by. MCP servers do not
/// declare effects, scope or idempotency in Strata's terms, so the declarations are given here; a tool without an
/// entry in <see cref="Tools"/> gets <see cref="DefaultDeclaration"/>, which is conservative unless set.
/// </summary>
public sealed record McpServerSpec
{
    /// <summary>Names the server in tool sources (<c>mcp:NAME</c>), errors and evidence.</summary>
    public required string Name { get; init; }

    /// <summary>The program to start (<c>node</c>, <c>npx</c>, a path to an executable).</summary>
    public required string Command { get; init; }

    /// <summary>Arguments passed to <see cref="Command"/>, each as one argument (no shell splitting).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The server's working directory; null keeps this process's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set for the server on top of this process's environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The governance declaration of each tool, by the tool's MCP name.</summary>
    public IReadOnlyDictionary<string, ToolDeclaration> Tools { get; init; } = new Dictionary<string, ToolDeclaration>();

    /// <summary>
    /// The declaration of a tool that has no entry in <see cref="Tools"/>. Unless set it is conservative: effects
    /// <c>Read | Write | External</c>, not idempotent, scope <c>mcp:NAME</c>.
    /// </summary>
    public ToolDeclaration DefaultDeclaration
    {
        get => field ?? new ToolDeclaration
        {
            Effects = ToolEffects.Read | ToolEffects.Write | ToolEffects.External,
            Idempotent = false,
            Scope = "mcp:" + Name,
        };
        init => field = value;
    }

    /// <summary>The declaration that governs the tool named <paramref name="toolName"/>.</summary>
    public ToolDeclaration DeclarationFor(string toolName) =>
        Tools.TryGetValue(toolName, out var declaration) ? declaration : DefaultDeclaration;
}
